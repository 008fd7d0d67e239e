"""The det/seg seed sweep reads each run's final validation from its newest log."""
import json

import pytest

from mmmae.apis.demo import final_metrics


def write_run(work_dir, stamp: str, records: list) -> None:
    folder = work_dir / stamp / 'vis_data'
    folder.mkdir(parents=True)
    (folder / 'scalars.json').write_text('\n'.join(json.dumps(r) for r in records))


def test_the_newest_run_wins_over_an_interrupted_one(tmp_path):
    write_run(tmp_path, '20261125_173659', [dict(loss=1.0, step=50)])  # killed before validating
    write_run(tmp_path, '20261125_175020', [dict(loss=0.5, step=1000),
                                            dict(mIoU=23.8, aAcc=97.3, step=1000)])
    assert final_metrics(tmp_path, ('mIoU', 'aAcc')) == dict(mIoU=23.8, aAcc=97.3)


def test_a_run_without_its_final_validation_is_named(tmp_path):
    write_run(tmp_path, '20261125_173659', [dict(loss=1.0, step=50)])
    with pytest.raises(RuntimeError, match=r"logged no \['mIoU'\]"):
        final_metrics(tmp_path, ('mIoU',))
