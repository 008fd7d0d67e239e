"""benchmark_pretrain.py runs all three peers on the same step and reports the ratios."""
import benchmark_pretrain


def test_three_peers_time_the_same_step(capsys):
    results = benchmark_pretrain.main(['--arch', 'demo', '--img-size', '16', '--batch', '2',
                                       '--rounds', '1', '--steps', '1', '--device', 'cpu'])
    assert set(results) == {'mmmae', 'mmpretrain', 'official-style'}
    assert all(r['img_per_s'] > 0 and r['peak_gib'] is None for r in results.values())
    out = capsys.readouterr().out
    assert 'mmmae / mmpretrain:' in out and 'mmmae / official-style:' in out
