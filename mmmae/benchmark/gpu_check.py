"""The GPU check: every GPU claim of mmmae measured by one command, each step time-boxed.

``tools/gpu_check.sh`` installs what the machine lacks from the offline wheels, then runs
``python -m mmmae.benchmark.gpu_check``. Each step is a child process with a time box, cut short
when the whole check's deadline comes: a step that fails, hangs or runs out of time is recorded
as such and the others go on. After every step ``gpu_check.json`` is rewritten, and every step's
output goes to ``gpu_check.log``, so a killed check still leaves what it measured.

With ``--rehearse`` the same steps run on the CPU at tiny sizes (fp32: CPUs without native bf16
emulate it at a fraction of their speed), through the same commands and readers.
"""
import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = ['tools/analysis_tools/benchmark_pretrain.py']
B_CONFIG = 'configs/mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k.py'
GPU_DECODE_CONFIG = 'configs/mae/mae_vit-base-p16_8xb512-amp-coslr-300e_in1k-gpu-decode.py'
H_CONFIG = 'configs/mae/mae_vit-huge-p14_8xb512-amp-coslr-1600e_in1k.py'
G_FSDP_CONFIG = 'configs/mae/mae_vit-giant-p14_8xb512-amp-fsdp-coslr-1600e_in1k.py'
DEMO_CONFIG = 'configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py'
# the tests with a CUDA variant: parity with MMPretrain, HF and timm, and the speed numerics
PARITY_TESTS = ['tests/converters', 'tests/models/algorithms/test_speed_numerics.py']
ALL_PEERS = ['mmmae', 'mmmae-selective-cp', 'mmpretrain', 'official-style']
# the targets of the performance issue, checked in the summary
TARGETS = dict(vs_mmpretrain=1.5, vs_official=1.3, mfu_b=0.45, memory_vs_mmpretrain=0.8,
               decode_img_per_s=5000.0)
DEADLINE_S = dict(gpu=480.0, rehearse=420.0)  # the whole check, installation included


@dataclass
class Sizes:
    """The sizes the steps run at: a GPU's, or the CPU rehearsal's tiny ones."""
    device: str
    archs: Dict[str, str]  # step name suffix -> arch
    img_size: int
    batch: int
    amp: str
    rounds: int
    compile_peers: List[str]
    memory_config: str
    memory_batch: List[str]
    images: int
    train_batch: int
    train_epochs: int
    train_options: List[str]
    workers: int
    decode_batch: int
    fsdp_arch: str  # the FSDP step's arch: ViT-g on a GPU
    fsdp_batch: int
    fsdp_epochs: int
    fsdp_options: List[str]


GPU = Sizes(device='cuda', archs=dict(b='b', l='l'), img_size=224, batch=256, amp='bf16',
            rounds=5, compile_peers=ALL_PEERS, memory_config=H_CONFIG, memory_batch=[],
            images=1280, train_batch=128, train_epochs=10, train_options=[], workers=8,
            decode_batch=256, fsdp_arch='g', fsdp_batch=128, fsdp_epochs=2,
            fsdp_options=[])
REHEARSAL = Sizes(device='cpu', archs=dict(b='demo', l='demo'), img_size=32, batch=2, amp='off',
                  rounds=1, compile_peers=['mmmae'], memory_config=DEMO_CONFIG,
                  memory_batch=['--batch', '4'], images=16, train_batch=4, train_epochs=4,
                  train_options=['model.backbone.arch=tiny', 'model.neck.decoder_depth=1'],
                  workers=2, decode_batch=4, fsdp_arch='tiny', fsdp_batch=4,
                  fsdp_epochs=2, fsdp_options=['model.neck.decoder_depth=1'])


@dataclass
class Step:
    """One time-boxed child process and the reader of what it left behind."""
    name: str
    claim: str
    command: List[str]
    budget_s: float
    read: Callable[[], dict] = lambda: {}
    env: Dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------- readers


def last_json_line(path: Path) -> dict:
    """The results of the last run a ``--json`` file holds."""
    lines = path.read_text().strip().splitlines()
    return json.loads(lines[-1])['results']


def checkpoint_bytes(path: Path) -> int:
    """The size of a checkpoint file, or of a sharded checkpoint's directory."""
    return sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() else path.stat().st_size


def read_training(work_dir: Path, epochs: int) -> dict:
    """Losses of a tools/train.py run from its scalars log; fails unless the loss fell, stayed
    finite and the last epoch's checkpoint was written."""
    logs = sorted(work_dir.glob('*/vis_data/scalars.json'))
    if not logs:
        raise RuntimeError(f'no scalars.json under {work_dir}: the run logged nothing')
    records = [json.loads(line) for line in logs[-1].read_text().splitlines() if line.strip()]
    losses = [r['loss'] for r in records if 'loss' in r]
    if len(losses) < 2:
        raise RuntimeError(f'{len(losses)} losses logged: too few to tell whether it learns')
    finite = all(loss == loss and abs(loss) != float('inf') for loss in losses)
    quarter = max(1, len(losses) // 4)
    first, last = statistics.mean(losses[:quarter]), statistics.mean(losses[-quarter:])
    checkpoint = work_dir / f'epoch_{epochs}.pth'
    result = dict(losses=losses, first_loss=first, last_loss=last, finite=finite,
                  steps_logged=[r['step'] for r in records if 'loss' in r],
                  checkpoint=checkpoint.name if checkpoint.exists() else None,
                  checkpoint_mib=checkpoint_bytes(checkpoint) / 2**20 if checkpoint.exists() else None,
                  iter_time_s=statistics.median([r['time'] for r in records if 'time' in r] or [0]))
    problems = [text for bad, text in [
        (not finite, 'a loss was NaN or Inf'), (last >= first, 'the loss did not fall'),
        (result['checkpoint'] is None, f'no {checkpoint.name} was written')] if bad]
    if problems:
        raise RuntimeError('; '.join(problems) + f' (losses {losses})')
    return result


def read_junit(path: Path, expect_run: bool) -> dict:
    """Counts of a pytest junit file; fails on a failure or error, and when tests that should
    run were all skipped (or, rehearsing on a CPU, when a CUDA test ran)."""
    suite = ElementTree.parse(path).getroot()
    suite = suite if suite.tag == 'testsuite' else suite.find('testsuite')
    counts = {k: int(suite.get(k, 0)) for k in ('tests', 'failures', 'errors', 'skipped')}
    counts['passed'] = counts['tests'] - counts['failures'] - counts['errors'] - counts['skipped']
    failed = [case.get('name') for case in suite.iter('testcase')
              if case.find('failure') is not None or case.find('error') is not None]
    counts['failed_tests'] = failed
    if failed:
        raise RuntimeError(f'{len(failed)} failed: {failed}')
    if counts['tests'] == 0:
        raise RuntimeError('no CUDA test was collected')
    if expect_run and counts['passed'] == 0:
        raise RuntimeError('every CUDA test was skipped: torch sees no GPU')
    if not expect_run and counts['passed']:
        raise RuntimeError('a CUDA-marked test ran on a machine without a GPU')
    return counts


# ---------------------------------------------------------------------------- the plan


def benchmark(sizes: Sizes, json_file: Path, *options: str) -> List[str]:
    return [sys.executable, *BENCHMARK, '--device', sizes.device, '--json', str(json_file),
            *options]


def train_command(sizes: Sizes, config: str, data: Path, work_dir: Path, batch: int, epochs: int,
                  launch: Sequence[str] = ('tools/train.py',), options: Sequence[str] = ()) -> List[str]:
    """``launch`` (tools/train.py, or tools/dist_train.sh with its rank count) of ``config`` on
    ``data`` for ``epochs`` of ``batch`` images, logging ten times and saving at the end."""
    iters_per_epoch = sizes.images // batch
    options = [
        f'train_dataloader.dataset.data_root={data}', f'train_dataloader.batch_size={batch}',
        f'train_dataloader.num_workers={sizes.workers}', f'train_cfg.max_epochs={epochs}',
        'optim_wrapper.optimizer.lr=5e-4',
        'param_scheduler.0.end=1', 'param_scheduler.1.begin=1',
        f'param_scheduler.1.end={epochs}', f'param_scheduler.1.T_max={epochs - 1}',
        f'default_hooks.logger.interval={max(1, iters_per_epoch * epochs // 10)}',
        f'default_hooks.checkpoint.interval={epochs}', *options]
    interpreter = ['bash'] if launch[0].endswith('.sh') else [sys.executable]
    return [*interpreter, *launch[:1], config, *launch[1:], '--work-dir', str(work_dir),
            '--cfg-options', *options]


def read_fsdp_training(work_dir: Path, sizes: Sizes) -> dict:
    """:func:`read_training`, the peak memory mmengine logged (CUDA only) and the memory
    planner's count for the same arch, batch and one GPU (full shard, selective_cp)."""
    from .memory_plan import arch_memory, per_gpu_bytes
    result = read_training(work_dir, sizes.fsdp_epochs)
    records = [json.loads(line) for path in sorted(work_dir.glob('*/vis_data/scalars.json'))[-1:]
               for line in path.read_text().splitlines() if line.strip()]
    peaks = [r['memory'] for r in records if 'memory' in r]
    planned = per_gpu_bytes(arch_memory(sizes.fsdp_arch, selective_cp=True), 'full_shard', 1,
                            sizes.fsdp_batch)
    result.update(arch=sizes.fsdp_arch, batch=sizes.fsdp_batch,
                  peak_mib=max(peaks) if peaks else None,
                  planned_mib={key: value / 2**20 for key, value in planned.items()})
    if peaks:
        result['peak_over_planned'] = max(peaks) / result['planned_mib']['total']
    return result


def plan(sizes: Sizes, work: Path, rehearse: bool) -> List[Step]:
    """The steps in the order they run: the claims the targets are about first, compilation
    (the slowest and least needed) last."""
    steps = [Step('env', 'machine, versions, measured bf16 matmul rate',
                  [sys.executable, '-m', 'mmmae.benchmark.gpu_check', 'probe', str(work / 'env.json'),
                   '--device', sizes.device], 60, lambda: json.loads((work / 'env.json').read_text()))]
    for suffix, arch in sizes.archs.items():
        json_file = work / f'step-{suffix}.jsonl'
        steps.append(Step(
            f'step-{suffix}', f'ViT-{suffix.upper()} step, eager, {sizes.amp}, batch {sizes.batch}: '
            'img/s, peak memory, MFU, ratios, top kernels',
            benchmark(sizes, json_file, '--arch', arch, '--img-size', str(sizes.img_size),
                      '--batch', str(sizes.batch), '--amp', sizes.amp, '--rounds',
                      str(sizes.rounds), '--profile', '15', '--peers', *ALL_PEERS),
            150, lambda f=json_file: last_json_line(f)))
    memory_json = work / 'memory-h.jsonl'
    steps.append(Step(
        'memory-h', f'peak memory of {Path(sizes.memory_config).stem} at its batch and memory '
        'options', benchmark(sizes, memory_json, '--config', sizes.memory_config, '--amp',
                             'configured', '--rounds', '1', '--steps', '1', *sizes.memory_batch),
        120, lambda: last_json_line(memory_json)))
    recipes_json = work / 'recipes-b.jsonl'
    steps.append(Step(
        'recipes-b', f'ViT-B step of each pretraining recipe (standard, CrossMAE, progressive '
        f'resolution), eager, {sizes.amp}, batch {sizes.batch}: speed-up and FLOPs ratio',
        benchmark(sizes, recipes_json, '--arch', sizes.archs['b'], '--img-size', str(sizes.img_size),
                  '--batch', str(sizes.batch), '--amp', sizes.amp, '--rounds', str(sizes.rounds),
                  '--recipe', 'standard', 'crossmae', 'progressive'),
        90, lambda: last_json_line(recipes_json)))
    data = work / 'imagenet-like'
    steps.append(Step(
        'data', f'{sizes.images} ImageNet-like JPEGs',
        [sys.executable, '-c', 'import sys; from mmmae.datasets import write_imagenet_like; '
         'write_imagenet_like(sys.argv[1], int(sys.argv[2]))', str(data), str(sizes.images)], 60,
        lambda: dict(images=len(list((data / 'train').rglob('*.JPEG'))),
                     mib=sum(f.stat().st_size for f in (data / 'train').rglob('*.JPEG')) / 2**20)))
    decode_json = work / 'decode.jsonl'
    steps.append(Step(
        'decode', f'GPU JPEG decode, batch {sizes.decode_batch}',
        benchmark(sizes, decode_json, '--pipeline-folder', str(data / 'train'), '--batch',
                  str(sizes.decode_batch), '--rounds', '2', '--pipeline-peers', 'gpu-decode',
                  'gpu-decode-loader', 'mmmae'), 90, lambda: last_json_line(decode_json)))
    for name, config in (('train', B_CONFIG), ('train-gpu-decode', GPU_DECODE_CONFIG)):
        work_dir = work / name
        steps.append(Step(
            name, f'tools/train.py {Path(config).name}, '
            f'{sizes.images // sizes.train_batch * sizes.train_epochs} iterations',
            train_command(sizes, config, data, work_dir, sizes.train_batch, sizes.train_epochs,
                          options=sizes.train_options), 150,
            lambda w=work_dir: read_training(w, sizes.train_epochs)))
    fsdp_dir = work / 'fsdp-g'
    steps.append(Step(
        'fsdp-g', f'tools/dist_train.sh {Path(G_FSDP_CONFIG).name} 1 (ViT-{sizes.fsdp_arch}, batch '
        f'{sizes.fsdp_batch}, {sizes.images // sizes.fsdp_batch * sizes.fsdp_epochs} iterations): '
        'time, peak memory and the memory planner\'s count',
        train_command(sizes, G_FSDP_CONFIG, data, fsdp_dir, sizes.fsdp_batch, sizes.fsdp_epochs,
                      launch=('tools/dist_train.sh', '1'),
                      options=[f'model.backbone.arch={sizes.fsdp_arch}', *sizes.fsdp_options]),
        150, lambda: read_fsdp_training(fsdp_dir, sizes),
        env=dict(PORT='29561', PYTHON=sys.executable)))
    junit = work / 'parity.xml'
    steps.append(Step(
        'parity', 'CUDA variants of the parity and speed-numerics tests',
        [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-m', 'cuda',
         f'--junitxml={junit}', *PARITY_TESTS], 150,
        lambda: read_junit(junit, expect_run=not rehearse)))
    for suffix, arch in sizes.archs.items():
        json_file = work / f'compile-{suffix}.jsonl'
        steps.append(Step(
            f'compile-{suffix}', f'ViT-{suffix.upper()} step, torch.compile, {sizes.amp}',
            benchmark(sizes, json_file, '--arch', arch, '--img-size', str(sizes.img_size),
                      '--batch', str(sizes.batch), '--amp', sizes.amp, '--rounds',
                      str(sizes.rounds), '--compile', '--peers', *sizes.compile_peers),
            200, lambda f=json_file: last_json_line(f)))
    return steps


# ---------------------------------------------------------------------------- running


def run_step(step: Step, seconds: float, log) -> dict:
    """Run ``step`` for at most ``seconds``, its output into ``log``; its record."""
    log.write(f'\n===== {step.name}: {" ".join(step.command)}\n')
    log.flush()
    start = time.monotonic()
    process = subprocess.Popen(step.command, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env={**os.environ, **step.env},
                               start_new_session=True)
    tail: List[str] = []
    timer = _Killer(process, seconds)
    for raw in process.stdout:
        line = raw.decode(errors='replace')
        log.write(line)
        tail = (tail + [line.rstrip()])[-25:]
    process.wait()
    timer.cancel()
    record = dict(claim=step.claim, command=' '.join(step.command),
                  seconds=round(time.monotonic() - start, 1), returncode=process.returncode)
    if timer.fired:
        record.update(status='timeout', error=f'stopped after {seconds:.0f} s', output_tail=tail)
        return record
    if process.returncode != 0:
        record.update(status='failed', error=f'exit code {process.returncode}', output_tail=tail)
        return record
    try:
        record.update(status='ok', results=step.read())
    except Exception as error:  # a reader names what the step failed to show
        record.update(status='failed', error=f'{type(error).__name__}: {error}', output_tail=tail)
    return record


class _Killer:
    """Kills a child's whole process group (data loader and compile workers too) after a time."""

    def __init__(self, process: subprocess.Popen, seconds: float):
        self.fired = False
        self._timer = threading.Timer(seconds, self._kill, args=(process,))
        self._timer.daemon = True
        self._timer.start()

    def _kill(self, process: subprocess.Popen) -> None:
        self.fired = True
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def run_check(out: Path, rehearse: bool, started: float, work: Path,
              install_status: str = 'skipped', install_record: Optional[Path] = None,
              only: Optional[List[str]] = None) -> dict:
    """Run the plan until the deadline; write ``gpu_check.json`` after each step; return it."""
    sizes = REHEARSAL if rehearse else GPU
    deadline = started + DEADLINE_S['rehearse' if rehearse else 'gpu']
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    report = dict(mode='rehearsal (CPU, tiny sizes)' if rehearse else 'gpu',
                  date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds'),
                  host=platform.node(), python=platform.python_version(),
                  command=' '.join(sys.argv), steps={})
    install = dict(status=install_status, claim='the missing offline wheels into a prefix')
    if install_record and install_record.is_file():
        install['results'] = json.loads(install_record.read_text())
        install['seconds'] = round(install['results']['seconds'], 1)
    if install_status == 'failed':
        install['error'] = 'see the install section of gpu_check.log'
    if install_status != 'skipped':
        report['steps']['install'] = install
    json_path = out / 'gpu_check.json'
    with open(out / 'gpu_check.log', 'a') as log:
        for step in plan(sizes, work, rehearse):
            if only and step.name not in only:
                continue
            left = deadline - time.time()
            if left < 15:
                report['steps'][step.name] = dict(status='skipped', claim=step.claim,
                                                  error='the check ran out of time')
            else:
                report['steps'][step.name] = run_step(step, min(step.budget_s, left), log)
            print(f'[gpu_check] {step.name:17s} {report["steps"][step.name]["status"]:8s} '
                  f'{report["steps"][step.name].get("seconds", 0):6.1f} s', flush=True)
            report['total_s'] = round(time.time() - started, 1)
            json_path.write_text(json.dumps(report, indent=1))
    report['targets'] = targets(report['steps'])
    json_path.write_text(json.dumps(report, indent=1))
    print(summary(report))
    return report


# ---------------------------------------------------------------------------- summary


def _results(steps: dict, name: str) -> Optional[dict]:
    step = steps.get(name, {})
    return step.get('results') if step.get('status') == 'ok' else None


def throughput_ratio(results: Optional[dict], peer: str) -> Optional[float]:
    """mmmae's images/s over ``peer``'s in one run's results (None if either is missing)."""
    if not results or 'mmmae' not in results or peer not in results:
        return None
    return results['mmmae']['img_per_s'] / results[peer]['img_per_s']


def memory_ratio(results: Optional[dict], peer: str) -> Optional[float]:
    """``peer``'s peak memory over MMPretrain's in one run's results."""
    if not results or 'mmpretrain' not in results or peer not in results:
        return None
    return results[peer]['peak_mib'] / results['mmpretrain']['peak_mib']


def target(name: str, value: Optional[float], goal: float, higher: bool, unit: str = 'x') -> dict:
    met = None if value is None else (value >= goal if higher else value <= goal)
    return dict(target=name, value=value, goal=goal, unit=unit, met=met)


def targets(steps: dict) -> List[dict]:
    """Each target of the performance issue: the figure measured, and whether it is met."""
    rows = []
    for prefix in ('step', 'compile'):
        for suffix in ('b', 'l'):
            r = _results(steps, f'{prefix}-{suffix}')
            label = f'ViT-{suffix.upper()} {"compiled" if prefix == "compile" else "eager"}'
            rows += [target(f'{label} throughput / MMPretrain', throughput_ratio(r, 'mmpretrain'),
                            TARGETS['vs_mmpretrain'], True),
                     target(f'{label} throughput / official-style',
                            throughput_ratio(r, 'official-style'), TARGETS['vs_official'], True)]
            if prefix == 'step':
                rows += [target(f'{label} peak memory / MMPretrain', memory_ratio(r, 'mmmae'),
                                TARGETS['memory_vs_mmpretrain'], False),
                         target(f'{label} peak memory / MMPretrain, selective_cp',
                                memory_ratio(r, 'mmmae-selective-cp'),
                                TARGETS['memory_vs_mmpretrain'], False)]
    b = _results(steps, 'step-b')
    for key, label in (('mfu', 'datasheet'), ('mfu_measured', 'measured matmul rate')):
        rows.append(target(f'ViT-B MFU against the {label}', b['mmmae'].get(key) if b else None,
                           TARGETS['mfu_b'], True, unit=''))
    h = _results(steps, 'memory-h')
    total = h['mmmae'].get('device_total_mib') if h else None
    rows.append(target('ViT-H at its config: peak / GPU memory',
                       h['mmmae']['peak_mib'] / total if total else None, 1.0, False, unit=''))
    decode = _results(steps, 'decode')
    rows.append(target('GPU decode img/s (decode + crop + flip, bytes read on one core)',
                       decode['gpu-decode']['img_per_s'] if decode else None,
                       TARGETS['decode_img_per_s'], True, unit=' img/s'))
    return rows


def summary(report: dict) -> str:
    lines = [f'gpu_check {report["mode"]}, {report["date"]}, {report.get("total_s", 0):.0f} s', '',
             f'{"step":18s} {"status":8s} {"s":>6s}  what']
    for name, step in report['steps'].items():
        lines.append(f'{name:18s} {step["status"]:8s} {step.get("seconds", 0):6.1f}  '
                     f'{step["claim"]}' + (f'  [{step["error"]}]' if step.get('error') else ''))
    env = _results(report['steps'], 'env')
    if env:
        lines += ['', f'device {env["device"]}, torch {env["torch"]}, matmul '
                  f'{env["matmul_tflops"]:.1f} TFLOP/s ({env["matmul_dtype"]})']
    for name in ('step-b', 'step-l', 'memory-h', 'compile-b', 'compile-l'):
        r = _results(report['steps'], name)
        if r:
            lines += ['', f'{name}: {"peer":18s} {"img/s":>9s} {"ms/step":>8s} {"peak MiB":>9s} '
                      f'{"MFU":>6s} {"MFU meas.":>9s}']
            for peer, v in r.items():
                mfu = f'{v["mfu"]:6.1%}' if v.get('mfu') else '   n/a'
                measured = f'{v["mfu_measured"]:9.1%}' if v.get('mfu_measured') else '      n/a'
                lines.append(f'{"":{len(name) + 1}s} {peer:18s} {v["img_per_s"]:9.1f} '
                             f'{v["step_s"] * 1e3:8.1f} {v["peak_mib"]:9.0f} {mfu} {measured}')
    decode = _results(report['steps'], 'decode')
    if decode:
        lines += ['', 'decode: ' + ', '.join(f'{k} {v["img_per_s"]:.0f} img/s'
                                             for k, v in decode.items())]
    for name in ('train', 'train-gpu-decode'):
        r = _results(report['steps'], name)
        if r:
            lines.append(f'{name}: loss {r["first_loss"]:.4f} -> {r["last_loss"]:.4f}, '
                         f'{r["iter_time_s"] * 1e3:.0f} ms/iter, {r["checkpoint"]}')
    fsdp = _results(report['steps'], 'fsdp-g')
    if fsdp:
        peak = '-' if fsdp['peak_mib'] is None else f'{fsdp["peak_mib"]:.0f}'
        lines.append(f'fsdp-g: ViT-{fsdp["arch"]} batch {fsdp["batch"]}, loss {fsdp["first_loss"]:.4f} -> '
                     f'{fsdp["last_loss"]:.4f}, {fsdp["iter_time_s"] * 1e3:.0f} ms/iter, peak {peak} MiB, '
                     f'planned {fsdp["planned_mib"]["total"]:.0f} MiB')
    parity = _results(report['steps'], 'parity')
    if parity:
        lines.append(f'parity: {parity["passed"]} passed, {parity["failures"] + parity["errors"]} '
                     f'failed, {parity["skipped"]} skipped')
    lines += ['', f'{"target":58s} {"value":>10s} {"goal":>8s}  met']
    for row in report.get('targets', []):
        value = '-' if row['value'] is None else f'{row["value"]:.3g}{row["unit"]}'
        met = {None: 'not measured', True: 'yes', False: 'NO'}[row['met']]
        lines.append(f'{row["target"]:58s} {value:>10s} {row["goal"]:>7g}{row["unit"]}  {met}')
    return '\n'.join(lines)


# ---------------------------------------------------------------------------- probe


def probe(path: str, device: str) -> dict:
    """The machine and stack, and the measured dense matmul rate (bf16 on a GPU, fp32 on a
    CPU), written as JSON to ``path``."""
    import importlib.metadata

    import torch

    from .measure import device_label, matmul_tflops
    dev = torch.device(device)
    amp = 'bf16' if dev.type == 'cuda' else 'off'
    versions = {}
    for name in ('mmengine', 'mmcv', 'mmcv-lite', 'mmpretrain', 'timm', 'transformers', 'numpy'):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    result = dict(device=device_label(dev), torch=torch.__version__, torch_file=torch.__file__,
                  cuda=torch.version.cuda, cpu_count=os.cpu_count(), versions=versions,
                  matmul_dtype='bfloat16' if amp == 'bf16' else 'float32',
                  matmul_tflops=matmul_tflops(dev, amp, None if dev.type == 'cuda' else 512))
    if dev.type == 'cuda':
        props = torch.cuda.get_device_properties(dev)
        result.update(gpu_memory_mib=props.total_memory / 2**20,
                      multiprocessors=props.multi_processor_count)
        try:
            result['nvidia_smi'] = subprocess.run(
                ['nvidia-smi', '--query-gpu=name,driver_version,clocks.max.sm,power.limit',
                 '--format=csv,noheader'], capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired) as error:
            result['nvidia_smi'] = f'not available: {error}'
    Path(path).write_text(json.dumps(result, indent=1))
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    commands = parser.add_subparsers(dest='command')
    run = commands.add_parser('run', help='run the check (tools/gpu_check.sh calls this)')
    run.add_argument('--out', type=Path, required=True, help='gpu_check.json and gpu_check.log go here')
    run.add_argument('--work', type=Path, help='scratch for data, work dirs and checkpoints '
                     '(default: a temporary folder; not --out, whose files travel back)')
    run.add_argument('--rehearse', action='store_true', help='every step on the CPU at tiny sizes')
    run.add_argument('--started', type=float, default=None, help='when the check began (epoch s): '
                     'the deadline counts from it, the installation included')
    run.add_argument('--install-status', choices=['ok', 'failed', 'skipped'], default='skipped')
    run.add_argument('--install-record', type=Path, help="the installation step's JSON")
    run.add_argument('--only', nargs='+', help='run only these steps')
    run_probe = commands.add_parser('probe', help='write the machine description as JSON')
    run_probe.add_argument('path')
    run_probe.add_argument('--device', default='cuda')
    args = parser.parse_args(argv)
    if args.command == 'probe':
        probe(args.path, args.device)
    elif args.command == 'run':
        with tempfile.TemporaryDirectory(prefix='gpu_check_') as scratch:
            report = run_check(args.out, args.rehearse, args.started or time.time(),
                               args.work or Path(scratch), args.install_status, args.install_record,
                               args.only)
        sys.exit(0 if all(s['status'] == 'ok' for s in report['steps'].values()) else 1)
    else:
        parser.print_help()
        sys.exit(2)


if __name__ == '__main__':
    main()
