"""convert_checkpoint, the library entry point of the converter tools, and the rename tables."""
import pytest
import torch

from mmmae.converters import DIRECTIONS, RenameTable, convert_checkpoint
from mmmae.registry import MODELS
from _helpers import tiny_mae_cfg
from conftest import load_tool


@pytest.fixture
def mae_file(tmp_path):
    torch.manual_seed(0)
    state = MODELS.build(tiny_mae_cfg()).state_dict()
    torch.save(dict(state_dict=state, meta={}), tmp_path / 'mae.pth')
    return tmp_path / 'mae.pth', state


def test_mmmae_timm_mmmae_gives_the_same_tensors(tmp_path, mae_file):
    src, state = mae_file
    out = convert_checkpoint(src, tmp_path / 'timm.pth', 'mmmae2timm', verify=True, num_heads=4)
    assert out.info['timm_kwargs']['num_heads'] == 4 and max(out.diffs.values()) < 1e-5
    assert torch.load(tmp_path / 'timm.pth', weights_only=True).keys() == out.state_dict.keys()
    back = convert_checkpoint(tmp_path / 'timm.pth', tmp_path / 'back.pth', 'timm2mmmae')
    assert back.diffs is None
    encoder = {k: v for k, v in state.items() if k.startswith('backbone.')}  # timm has no decoder
    written = torch.load(tmp_path / 'back.pth', weights_only=True)
    assert written['meta']['source'] == 'timm'
    assert written['state_dict'].keys() == encoder.keys()
    assert all(torch.equal(written['state_dict'][k], v) for k, v in encoder.items())


def test_mmmae_hf_folder_mmmae_gives_the_same_tensors(tmp_path, mae_file):
    src, state = mae_file
    convert_checkpoint(src, tmp_path / 'hf', 'mmmae2hf', num_heads=4, decoder_num_heads=4)
    back = convert_checkpoint(tmp_path / 'hf', tmp_path / 'back.pth', 'hf2mmmae')
    assert back.src == str(tmp_path / 'hf' / 'model.safetensors')
    written = torch.load(tmp_path / 'back.pth', weights_only=True)['state_dict']
    assert written.keys() == state.keys() and all(torch.equal(written[k], state[k]) for k in state)


def test_an_unknown_direction_names_the_valid_ones(tmp_path, mae_file):
    with pytest.raises(ValueError, match=r"unknown conversion direction 'timm2hf'.*'hf2mmmae'"):
        convert_checkpoint(mae_file[0], tmp_path / 'out.pth', 'timm2hf')
    assert sorted(DIRECTIONS) == ['hf2mmmae', 'mmmae2hf', 'mmmae2mmseg', 'mmmae2timm',
                                  'mmmae2videomae', 'mmpretrain2mmmae', 'official2mmmae',
                                  'timm2mmmae', 'videomae2mmmae']


def test_options_are_checked(tmp_path, mae_file):
    with pytest.raises(TypeError, match=r"mmmae2timm takes no option \['heads'\]"):
        convert_checkpoint(mae_file[0], tmp_path / 'out.pth', 'mmmae2timm', heads=4)
    with pytest.raises(TypeError, match=r"mmmae2mmseg needs \['num_heads'\]"):
        convert_checkpoint(mae_file[0], tmp_path / 'out.pth', 'mmmae2mmseg')
    assert not (tmp_path / 'out.pth').exists()


def test_a_tool_given_the_wrong_checkpoint_exits_with_the_reason(tmp_path, mae_file, capsys):
    with pytest.raises(SystemExit):
        load_tool('model_converters/mmpretrain2mmmae').main([str(mae_file[0]), str(tmp_path / 'o.pth')])
    assert 'expected an MMPretrain / MMSelfSup MAE pretraining state dict' in capsys.readouterr().err
    assert not (tmp_path / 'o.pth').exists()


def test_a_rename_table_works_both_ways():
    table = RenameTable([('cls_token', 'cls'), ('blocks.{i}.norm1.', 'layers.{i}.ln1.')])
    theirs = {'cls': torch.zeros(1), 'layers.11.ln1.weight': torch.ones(1)}
    ours = table.to_mmmae(theirs, 'a test state dict')
    assert list(ours) == ['cls_token', 'blocks.11.norm1.weight']
    assert list(table.from_mmmae(ours, 'an mmmae one')) == list(theirs)
    with pytest.raises(ValueError, match=r"1 keys are not understood \(first: \['cls.x'\]\); "
                                         'expected a test state dict'):
        table.to_mmmae({'cls.x': torch.zeros(1)}, 'a test state dict')
    with pytest.raises(ValueError, match='expected an mmmae one'):  # nothing under blocks.
        table.from_mmmae({'cls_token': torch.zeros(1)}, 'an mmmae one', required='blocks.')
    assert table.from_mmmae({'neck.x': torch.zeros(1)}, 'an mmmae one', skip=('neck.',)) == {}
    with pytest.raises(ValueError, match='both names must be prefixes'):
        RenameTable([('norm.', 'ln1')])
