"""The nine conversions as data: what each reads and writes, its options, how it converts and
what it compares with; :func:`~mmmae.converters.convert.convert_checkpoint` runs them."""
import os
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Callable, Dict, Optional, Tuple

from .checkpoint_io import read_hf_config, write_checkpoint, write_hf_folder
from .hf_config import hf_vitmae_config, saved_hf_config
from .hf_videomae import convert_hf_videomae, convert_to_hf_videomae, hf_videomae_config
from .hf_vitmae import convert_hf_vitmae, convert_to_hf_vitmae
from .mmpretrain_mae import convert_mmpretrain_mae
from .mmseg_mae import convert_to_mmseg_mae
from .rename import StateDict
from .shapes import has_decoder
from .timm_vit import convert_timm_vit, convert_to_timm_vit, timm_model_name
from .verify import (compare_with_hf, compare_with_hf_folder, compare_with_hf_videomae,
                     compare_with_mmpretrain, compare_with_mmseg_mae, compare_with_timm)


@dataclass(frozen=True)
class Option:
    """A keyword option of a direction, and its command-line flag (``--num-heads`` for
    ``num_heads`` unless ``flag`` says otherwise; a ``bool`` option is a switch to the value
    that is not its default)."""
    name: str
    help: str
    type: Callable = int
    default: Any = None
    required: bool = False
    flag: Optional[str] = None


@dataclass
class Conversion:
    """What :func:`~mmmae.converters.convert.convert_checkpoint` read, wrote and measured.

    ``src`` is the weights file read (the one in a ``save_pretrained`` folder), ``dst`` what
    was written, ``state_dict`` the tensors written, ``options`` the direction's options with
    their defaults, ``info`` what rebuilds the target model (``timm_kwargs`` for mmmae2timm,
    the ``ViTMAEConfig`` ``config`` for mmmae2hf), ``diffs`` the largest output differences
    (None without verification).
    """
    direction: str
    src: str
    dst: str
    state_dict: StateDict
    options: Dict[str, Any]
    info: Dict[str, Any] = field(default_factory=dict)
    diffs: Optional[Dict[str, float]] = None


@dataclass(frozen=True)
class Direction:
    """One conversion: ``convert(source, options) -> (state_dict, info)``,
    ``write(conversion)``, ``verify(source, conversion) -> diffs`` (against ``peer``),
    ``summary(conversion)`` (the line the tool prints); ``source`` and ``target`` say what
    SRC and DST are, ``checks`` what the verification compares."""
    name: str
    source: str
    target: str
    peer: str
    checks: str
    convert: Callable[[StateDict, dict], Tuple[StateDict, dict]]
    write: Callable[[Conversion], Any]
    verify: Callable[[StateDict, Conversion], Dict[str, float]]
    summary: Callable[[Conversion], str]
    options: Tuple[Option, ...] = ()

    def resolve(self, options: Dict[str, Any]) -> Dict[str, Any]:
        """``options`` with the defaults of those not given; ``TypeError`` for an unknown or a
        missing required one."""
        known = {option.name: option for option in self.options}
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise TypeError(f'{self.name} takes no option {unknown}; its options: {sorted(known)}')
        missing = [name for name, option in known.items()
                   if option.required and options.get(name) is None]
        if missing:
            raise TypeError(f'{self.name} needs {missing}')
        return {name: option.default if options.get(name) is None else options[name]
                for name, option in known.items()}


def _renaming(convert: Callable[[StateDict], StateDict]
              ) -> Callable[[StateDict, dict], Tuple[StateDict, dict]]:
    """A ``Direction.convert`` of a converter that takes no option."""
    return lambda state_dict, options: (convert(state_dict), {})


def _to_timm(state_dict: StateDict, options: dict) -> Tuple[StateDict, dict]:
    timm_state, kwargs = convert_to_timm_vit(state_dict)
    if options['num_heads']:
        kwargs['num_heads'] = options['num_heads']
    return timm_state, dict(timm_kwargs=kwargs)


def _to_hf(state_dict: StateDict, options: dict) -> Tuple[StateDict, dict]:
    hf_state = convert_to_hf_vitmae(state_dict)
    return hf_state, dict(config=hf_vitmae_config(
        state_dict, options['num_heads'], options['decoder_num_heads'],
        mask_ratio=options['mask_ratio'], norm_pix_loss=options['norm_pix_loss']))


def _to_videomae(state_dict: StateDict, options: dict) -> Tuple[StateDict, dict]:
    return convert_to_hf_videomae(state_dict), dict(config=hf_videomae_config(
        state_dict, options['num_frames'], options['num_heads'], options['decoder_num_heads'],
        norm_pix_loss=options['norm_pix_loss']))


def _verify_from_videomae(source: StateDict, conversion: Conversion) -> Dict[str, float]:
    from transformers import VideoMAEConfig
    saved = read_hf_config(conversion.src, conversion.options['config'])
    if saved is None:
        raise ValueError('verifying needs the VideoMAE config.json (num_frames and the attention '
                         'heads cannot be read off the weights): put it beside SRC or pass --config')
    return compare_with_hf_videomae(conversion.state_dict, VideoMAEConfig(**saved))


def _verify_videomae_folder(source: StateDict, conversion: Conversion) -> Dict[str, float]:
    import transformers
    config = conversion.info['config']
    model, info = getattr(transformers, config.architectures[0]).from_pretrained(
        conversion.dst, output_loading_info=True)
    if info['missing_keys'] or info['unexpected_keys'] or info['mismatched_keys']:
        raise ValueError(f'verification failed: from_pretrained reports {info}')
    return compare_with_hf_videomae(source, config, hf_model=model)


def _write_mmmae(conversion: Conversion, **meta) -> None:
    write_checkpoint(conversion.state_dict, conversion.dst,
                     meta=dict(converted_from=os.path.abspath(conversion.src), **meta))


def _verify_from_hf(source: StateDict, conversion: Conversion) -> Dict[str, float]:
    saved = read_hf_config(conversion.src, conversion.options['config']) or {}
    config = saved_hf_config(conversion.state_dict, saved, conversion.options['num_heads'],
                             conversion.options['decoder_num_heads'])
    return compare_with_hf(conversion.state_dict, config)


def _wrote(conversion: Conversion) -> str:
    return f'wrote {len(conversion.state_dict)} tensors to {conversion.dst}'


def _wrote_timm_layout(conversion: Conversion) -> str:
    return _wrote(conversion) + (' (with the decoder)' if has_decoder(conversion.state_dict) else '')


def _wrote_from_hf(conversion: Conversion) -> str:
    return _wrote(conversion) + (' (encoder and decoder)' if has_decoder(conversion.state_dict)
                                 else ' (encoder only)')


def _wrote_timm(conversion: Conversion) -> str:
    kwargs = conversion.info['timm_kwargs']
    call = ', '.join(f'{k}={v!r}' for k, v in kwargs.items())
    return (f'{_wrote(conversion)}; load with\n'
            f"  model = timm.create_model('{timm_model_name(kwargs)}', pretrained=False, {call})\n"
            f"  model.load_state_dict(torch.load('{conversion.dst}'))")


def _wrote_hf(conversion: Conversion) -> str:
    arch = conversion.info['config'].architectures[0]
    return (f'wrote {len(conversion.state_dict)} tensors and config.json to {conversion.dst}; '
            f'load with\n  from transformers import {arch}\n'
            f"  model = {arch}.from_pretrained('{conversion.dst}')")


NUM_HEADS = Option('num_heads', 'attention heads of the encoder (known for the standard archs)')
NUM_HEADS_NEEDED = Option('num_heads', 'attention heads of the encoder (12 for ViT-B, 16 for '
                          'ViT-L/H)', required=True)
MMMAE_IN = 'mmmae checkpoint: MAE pretraining or MAEViTEncoder classification'
MMMAE_OUT = 'mmmae checkpoint to write'
TIMM_CHECKS = 'features (and logits) with timm on a random input'


def _timm_layout(name: str, source: str) -> Direction:
    """timm2mmmae and official2mmmae: timm's names, meta ``source``."""
    return Direction(
        name, f'{source} checkpoint (.pth, .bin or .safetensors)', MMMAE_OUT, 'timm', TIMM_CHECKS,
        convert=_renaming(convert_timm_vit), write=partial(_write_mmmae, source=source),
        verify=lambda source_state, c: compare_with_timm(c.state_dict, c.options['num_heads']),
        summary=_wrote_timm_layout, options=(NUM_HEADS,))


DIRECTIONS: Dict[str, Direction] = {direction.name: direction for direction in (
    _timm_layout('timm2mmmae', 'timm'),
    _timm_layout('official2mmmae', 'official-mae'),
    Direction(
        'mmpretrain2mmmae', 'MMPretrain / MMSelfSup MAE checkpoint', MMMAE_OUT, 'MMPretrain',
        "the loss of MMPretrain's MAE and mmmae's on one batch",
        convert=_renaming(convert_mmpretrain_mae), write=partial(_write_mmmae, source='mmpretrain'),
        verify=lambda source, c: compare_with_mmpretrain(source, c.options['num_heads'],
                                                         c.options['decoder_num_heads']),
        summary=_wrote, options=(NUM_HEADS, Option('decoder_num_heads', 'attention heads of the '
                                                   'decoder (default: %(default)s)', default=16))),
    Direction(
        'hf2mmmae', 'ViTMAEForPreTraining / ViTMAEModel weights (.bin, .pth, .safetensors) or a '
        'save_pretrained folder', MMMAE_OUT, 'huggingface',
        'mmmae with Hugging Face on random images and noise',
        convert=_renaming(convert_hf_vitmae), write=partial(_write_mmmae, source='huggingface'),
        verify=_verify_from_hf, summary=_wrote_from_hf, options=(
            Option('config', 'Hugging Face config.json (default: in or beside SRC)', type=str),
            Option('num_heads', 'encoder attention heads (for --verify without config.json)'),
            Option('decoder_num_heads', 'decoder attention heads (idem)'))),
    Direction(
        'mmmae2timm', MMMAE_IN, 'output: a plain timm state dict', 'timm', TIMM_CHECKS,
        convert=_to_timm, write=lambda c: write_checkpoint(c.state_dict, c.dst, wrap=False),
        verify=lambda source, c: compare_with_timm(source, c.options['num_heads']),
        summary=_wrote_timm, options=(NUM_HEADS,)),
    Direction(
        'mmmae2hf', 'mmmae MAE checkpoint (.pth or .safetensors)',
        'folder to write the Hugging Face model into', 'huggingface',
        'mmmae with the written model on random images and noise',
        convert=_to_hf, write=lambda c: write_hf_folder(c.state_dict, c.info['config'], c.dst),
        verify=lambda source, c: compare_with_hf_folder(source, c.dst, c.info['config']),
        summary=_wrote_hf, options=(
            NUM_HEADS_NEEDED,
            Option('decoder_num_heads', 'decoder attention heads (needed when the checkpoint '
                   'has a decoder)'),
            Option('mask_ratio', 'mask_ratio of the config (default: %(default)s)', type=float,
                   default=0.75),
            Option('norm_pix_loss', 'the model was trained with MAEPixelHead(norm_pix=False)',
                   type=bool, default=True, flag='--no-norm-pix-loss'))),
    Direction(
        'videomae2mmmae', 'VideoMAEForPreTraining / VideoMAEModel weights (.bin, .pth, '
        '.safetensors) or a save_pretrained folder', MMMAE_OUT, 'huggingface',
        'mmmae with Hugging Face VideoMAE on random clips and a tube mask',
        convert=_renaming(convert_hf_videomae), write=partial(_write_mmmae, source='huggingface-videomae'),
        verify=_verify_from_videomae, summary=_wrote_from_hf, options=(
            Option('config', 'VideoMAE config.json (default: in or beside SRC)', type=str),)),
    Direction(
        'mmmae2videomae', 'mmmae video MAE checkpoint (MAEVideoViT, .pth or .safetensors)',
        'folder to write the Hugging Face model into', 'huggingface',
        'mmmae with the written VideoMAE model on random clips and a tube mask',
        convert=_to_videomae, write=lambda c: write_hf_folder(c.state_dict, c.info['config'], c.dst),
        verify=_verify_videomae_folder, summary=_wrote_hf, options=(
            Option('num_frames', 'frames per clip (VideoMAE: 16)', required=True),
            NUM_HEADS_NEEDED,
            Option('decoder_num_heads', 'decoder attention heads (needed when the checkpoint '
                   'has a decoder)'),
            Option('norm_pix_loss', "the model was trained with MAEVideoPixelHead(norm_pix=None)",
                   type=bool, default=True, flag='--no-norm-pix-loss'))),
    Direction(
        'mmmae2mmseg', MMMAE_IN, 'checkpoint for mmseg.models.backbones.MAE', 'MMSeg MAE',
        "MMSeg's MAE backbone with mmmae's encoder on a random input",
        convert=lambda state_dict, options: (convert_to_mmseg_mae(state_dict, options['num_heads']), {}),
        write=partial(_write_mmmae, target='mmseg.models.backbones.MAE'),
        verify=lambda source, c: compare_with_mmseg_mae(source, c.options['num_heads']),
        summary=_wrote, options=(NUM_HEADS_NEEDED,)),
)}
