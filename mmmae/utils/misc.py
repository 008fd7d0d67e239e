"""Small helpers used across mmmae."""
import difflib
from typing import Iterable, Tuple, Union


def to_2tuple(value: Union[int, Tuple[int, int], Iterable[int]]) -> Tuple[int, int]:
    """``7 -> (7, 7)``; a pair stays a pair."""
    if isinstance(value, int):
        return value, value
    pair = tuple(int(v) for v in value)
    if len(pair) != 2:
        raise ValueError(f'expected an int or a pair, got {value!r}')
    return pair


def closest_name(name: str, choices: Iterable[str]) -> str:
    """A hint such as ``; did you mean 'b'?`` (empty when nothing is close)."""
    match = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.5)
    return f"; did you mean '{match[0]}'?" if match else ''
