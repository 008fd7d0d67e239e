"""The one renaming mechanism of the converters: a table of (mmmae name, other name) pairs."""
import re
from collections import OrderedDict
from functools import cached_property
from typing import Dict, Iterable, List, Optional, Pattern, Tuple

import torch

from .errors import unknown_keys_error

INDEX = '{i}'
StateDict = Dict[str, torch.Tensor]


def _matcher(name: str) -> Pattern:
    pattern = re.escape(name).replace(re.escape(INDEX), r'(?P<i>\d+)')
    return re.compile(pattern if name.endswith('.') else pattern + '$')


class RenameTable:
    """(mmmae name, other name) pairs, renaming state dicts to mmmae or from it.

    A name ending in ``.`` is a module prefix: a key starting with it is renamed and keeps the
    rest (``blocks.{i}.norm1.`` <-> ``layers.{i}.ln1.`` renames ``blocks.3.norm1.weight`` to
    ``layers.3.ln1.weight``); any other name is a whole key (``cls_token``). ``{i}`` stands for
    a layer index. The first pair that matches a key renames it, in either direction.
    """

    def __init__(self, pairs: Iterable[Tuple[str, str]] = ()) -> None:
        self.pairs = tuple(pairs)
        for mmmae, other in self.pairs:
            if mmmae.count(INDEX) != other.count(INDEX) or mmmae.count(INDEX) > 1 \
                    or mmmae.endswith('.') != other.endswith('.'):
                raise ValueError(f'({mmmae!r}, {other!r}): both names must be prefixes (ending in '
                                 f'".") or whole keys, with the same single {INDEX} or none')

    @classmethod
    def same(cls, *names: str) -> 'RenameTable':
        """Names that are the same on both sides."""
        return cls((name, name) for name in names)

    def __add__(self, other: 'RenameTable') -> 'RenameTable':
        return RenameTable(self.pairs + other.pairs)

    def under(self, mmmae_prefix: str, other_prefix: str) -> 'RenameTable':
        """This table with ``mmmae_prefix`` before every mmmae name and ``other_prefix`` before
        every other name (``'blocks.{i}.'``, ``'layers.{i}.'`` for the names inside a layer)."""
        return RenameTable((mmmae_prefix + mmmae, other_prefix + other) for mmmae, other in self.pairs)

    @cached_property
    def _rules(self) -> Dict[bool, List[Tuple[Pattern, str]]]:
        """Per direction (to mmmae or not): (matcher of a source name, target name)."""
        return {True: [(_matcher(other), mmmae) for mmmae, other in self.pairs],
                False: [(_matcher(mmmae), other) for mmmae, other in self.pairs]}

    def to_mmmae(self, state_dict: StateDict, expected: str, skip: Tuple[str, ...] = (),
                 required: Optional[str] = None) -> 'OrderedDict[str, torch.Tensor]':
        """``state_dict`` (other names) renamed to mmmae's names; see :meth:`from_mmmae`."""
        return self._rename(state_dict, True, expected, skip, required)

    def from_mmmae(self, state_dict: StateDict, expected: str, skip: Tuple[str, ...] = (),
                   required: Optional[str] = None) -> 'OrderedDict[str, torch.Tensor]':
        """``state_dict`` (mmmae names) renamed to the other names; tensors are not changed.

        Keys starting with one of ``skip`` are left out. Raises
        :func:`~mmmae.converters.errors.unknown_keys_error` (``expected``: the kind of
        checkpoint wanted) for keys no pair matches, or when no key renamed has the mmmae
        name prefix ``required``.
        """
        return self._rename(state_dict, False, expected, skip, required)

    def _rename(self, state_dict: StateDict, to_mmmae: bool, expected: str, skip: Tuple[str, ...],
                required: Optional[str]) -> 'OrderedDict[str, torch.Tensor]':
        renamed, mmmae_keys, unknown = OrderedDict(), [], []
        for key, value in state_dict.items():
            if key.startswith(skip):
                continue
            new = _first_match(key, self._rules[to_mmmae])
            if new is None:
                unknown.append(key)
            else:
                renamed[new] = value
                mmmae_keys.append(new if to_mmmae else key)
        if unknown or (required and not any(key.startswith(required) for key in mmmae_keys)):
            raise unknown_keys_error(unknown or list(state_dict), expected)
        return renamed


def _first_match(key: str, rules: List[Tuple[Pattern, str]]) -> Optional[str]:
    """``key`` renamed by the first rule that matches it; None when none does."""
    for pattern, target in rules:
        match = pattern.match(key)
        if match:
            index = match.groupdict().get('i')
            return (target if index is None else target.replace(INDEX, index)) + key[match.end():]
    return None
