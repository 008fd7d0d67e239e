"""Every shell command shown in the docs still works: its script exists and its options parse.

The command lines of the ```bash / ```shell / ```sh blocks of docs/**/*.md and README.md are
checked without running them (docs/contributing.md, "Commands in the docs"):

- ``make TARGET``: the target is in the Makefile;
- ``python tools/X.py ARGS`` (``python3``, ``.venv/bin/python``, or the script itself): the
  script exists and ARGS parse with the tool's own argparse parser, taken from its
  ``build_parser()``, ``parse_args(argv)`` or ``main(argv)`` (the first ``parse_args`` call is
  intercepted, nothing runs); a tool whose parser cannot be taken so is run with ``--help`` and
  every ``--option`` must appear in that text;
- ``tools/dist_train.sh``, ``dist_test.sh``, ``slurm_train.sh``, ``slurm_test.sh``: their
  positional arguments are there and what they pass on parses with tools/train.py / test.py;
  any other ``tools/*.sh``: its ``--options`` appear in its ``--help``;
- ``python -m MODULE``: the module is importable; ``mkdocs build|serve``: the options parse;
- every ``tools/``, ``configs/``, ``tests/`` ... path named exists;
- ``source``, ``export``, ``cd`` and ``NAME=value`` lines are accepted; ``$NAME`` takes the value
  assigned earlier in the block; any other program is an error.

A command that needs hardware the tests lack carries the marker ``# needs a GPU`` or
``# needs a cluster`` at its end (or the block's first line is a comment with the marker, which
marks the whole block); it is not parsed, only its paths are checked.
"""
import argparse
import contextlib
import functools
import importlib.util
import inspect
import io
import os
import pkgutil
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional
from unittest import mock

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC_FILES = sorted((ROOT / 'docs').rglob('*.md')) + [ROOT / 'README.md']
SHELL_LANGUAGES = {'bash', 'shell', 'sh'}
MARKER = re.compile(r'#.*\bneeds a (GPU|cluster)\b')
FENCE = re.compile(r'^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$')
ASSIGNMENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*=')
VARIABLE = re.compile(r'\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))')
REPO_PATH = re.compile(r'^(tools|configs|tests|docs|mmmae|requirements)/')
SEPARATORS = {'&&', '||', ';', '|'}
BUILTINS = {'source', '.', 'export', 'cd'}
# wrapper script -> (python tool, names of its positional arguments, arguments for the tool)
LAUNCHERS = {
    'tools/dist_train.sh': ('tools/train.py', ('CONFIG', 'GPUS'),
                            lambda pos, rest: [pos[0], '--launcher', 'pytorch', *rest]),
    'tools/dist_test.sh': ('tools/test.py', ('CONFIG', 'CHECKPOINT', 'GPUS'),
                           lambda pos, rest: [pos[0], pos[1], '--launcher', 'pytorch', *rest]),
    'tools/slurm_train.sh': ('tools/train.py', ('PARTITION', 'JOB_NAME', 'CONFIG'), None),
    'tools/slurm_test.sh': ('tools/test.py', ('PARTITION', 'JOB_NAME', 'CONFIG', 'CHECKPOINT'),
                            lambda pos, rest: [pos[2], pos[3], '--launcher', 'slurm', *rest]),
}


@dataclass
class Command:
    doc: str  # file relative to the repository root
    line: int  # 1-based line of the command's first line
    text: str  # the command, continuation lines joined
    argv: List[str] = field(default_factory=list)  # without leading NAME=value assignments
    marked: bool = False

    def __str__(self) -> str:
        return f'{self.doc}:{self.line}: {self.text}'


# ---------------------------------------------------------------------------- extraction


def shell_blocks(text: str) -> Iterator[tuple]:
    """``(first line number, lines)`` of every fenced block whose language is a shell."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, language = opening.group('fence'), opening.group('info').lower()
        body_start, i = i + 1, i + 1
        while i < len(lines):
            closing = FENCE.match(lines[i])
            if closing and closing.group('fence')[0] == fence[0] and \
                    len(closing.group('fence')) >= len(fence) and not closing.group('info'):
                break
            i += 1
        if language in SHELL_LANGUAGES:
            yield body_start + 1, lines[body_start:i]
        i += 1


def substitute(line: str, variables: Dict[str, str]) -> str:
    return VARIABLE.sub(lambda m: variables.get(m.group(1) or m.group(2), m.group(0)), line)


def split_commands(tokens: List[str]) -> List[List[str]]:
    """A token list split at ``&&``, ``||``, ``;`` and ``|``; redirections dropped."""
    commands, current, skip = [], [], False
    for token in tokens:
        if skip:
            skip = False
        elif token in SEPARATORS:
            commands.append(current)
            current = []
        elif token in ('>', '>>', '<', '2>'):
            skip = True
        elif not re.match(r'^\d?>&\d$', token):
            current.append(token)
    return [c for c in commands + [current] if c]


def commands_of(path: Path, text: Optional[str] = None) -> List[Command]:
    """The commands of a Markdown file's shell blocks."""
    text = path.read_text() if text is None else text
    try:
        doc = str(path.relative_to(ROOT))
    except ValueError:
        doc = str(path)
    found = []
    for first, lines in shell_blocks(text):
        stripped = [ln.strip() for ln in lines if ln.strip()]
        block_marked = bool(stripped) and stripped[0].startswith('#') and bool(MARKER.search(stripped[0]))
        variables: Dict[str, str] = {}
        i = 0
        while i < len(lines):
            start, parts = i, []
            while True:
                part = lines[i].rstrip()
                i += 1
                if part.endswith('\\') and i < len(lines):
                    parts.append(part[:-1])
                    continue
                parts.append(part)
                break
            logical = ' '.join(p.strip() for p in parts).strip()
            if not logical or logical.startswith('#'):
                continue
            marked = block_marked or bool(MARKER.search(parts[-1]))
            try:
                tokens = shlex.split(substitute(logical, variables), comments=True)
            except ValueError as err:  # unbalanced quotes
                found.append(Command(doc, first + start, logical, [f'<unparsable: {err}>'], marked))
                continue
            for argv in split_commands(tokens):
                env = 0
                while env < len(argv) and ASSIGNMENT.match(argv[env]):
                    env += 1
                if env == len(argv):  # NAME=value lines define block variables
                    variables.update(a.split('=', 1) for a in argv)
                    continue
                found.append(Command(doc, first + start, logical, argv[env:], marked))
    return found


COMMANDS = [command for doc in DOC_FILES for command in commands_of(doc)]


# ---------------------------------------------------------------------------- checks


class _Captured(Exception):
    def __init__(self, parser: argparse.ArgumentParser):
        super().__init__()
        self.parser = parser


@functools.lru_cache(maxsize=None)
def tool_parser(script: Path) -> Optional[argparse.ArgumentParser]:
    """The tool's argparse parser, or None when it cannot be taken without running the tool."""
    source = script.read_text()
    if 'argparse' not in source:
        return None
    spec = importlib.util.spec_from_file_location(f'_doc_tool_{script.stem}', script)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
        if hasattr(module, 'build_parser'):
            return module.build_parser()
        entry = getattr(module, 'parse_args', None) or getattr(module, 'main', None)
        if entry is None:
            return None

        def capture(parser, *args, **kwargs):
            raise _Captured(parser)

        with mock.patch.object(argparse.ArgumentParser, 'parse_known_args', capture), \
                mock.patch.object(sys, 'argv', [str(script)]):
            try:
                entry([]) if inspect.signature(entry).parameters else entry()
            except _Captured as captured:
                return captured.parser
    except Exception:  # noqa: BLE001 - any failure: fall back to --help
        return None
    return None


@functools.lru_cache(maxsize=None)
def help_text(script: Path) -> subprocess.CompletedProcess:
    interpreter = 'bash' if script.suffix == '.sh' else sys.executable
    return subprocess.run([interpreter, str(script), '--help'], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def parse_problems(parser: argparse.ArgumentParser, args: List[str]) -> List[str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            parser.parse_args(args)
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                return [f'{parser.prog}: ' + (err.getvalue().strip().splitlines() or ['exit'])[-1]]
    return []


def help_problems(script: Path, args: List[str]) -> List[str]:
    proc = help_text(script)
    if proc.returncode != 0:
        return [f'{script.name} --help failed: {(proc.stderr or proc.stdout).strip()[-500:]}']
    options = {a.split('=', 1)[0] for a in args if a.startswith('--') and a != '--'}
    return [f'{script.name} has no option {o} (not in its --help)' for o in sorted(options)
            if not re.search(rf'(?<![\w-]){re.escape(o)}(?![\w-])', proc.stdout)]


def tool_problems(script_arg: str, args: List[str]) -> List[str]:
    script = ROOT / script_arg
    if not script.is_file():
        return [f'no script {script_arg}']
    parser = tool_parser(script)
    return parse_problems(parser, args) if parser is not None else help_problems(script, args)


def launcher_problems(script_arg: str, args: List[str]) -> List[str]:
    tool, names, to_tool = LAUNCHERS[script_arg]
    if args and args[0] in ('-h', '--help'):
        return []
    if len(args) < len(names) or any(a.startswith('-') for a in args[:len(names)]):
        return [f'{script_arg} needs {" ".join(names)} first, got {args}']
    if 'GPUS' in names:
        gpus = args[names.index('GPUS')]
        if not (gpus.isdigit() or gpus.isupper()):
            return [f'{script_arg}: GPUS must be a number, got {gpus!r}']
    positional, rest = args[:len(names)], args[len(names):]
    if script_arg == 'tools/slurm_train.sh':  # a 4th argument is always the work dir
        work_dir = rest[0] if rest else 'WORK_DIR'
        if work_dir.startswith('-'):
            return [f'slurm_train.sh takes its 4th argument as WORK_DIR, got {work_dir!r}; give '
                    'WORK_DIR before the train.py options']
        return tool_problems(tool, [positional[2], '--work-dir', work_dir, '--launcher', 'slurm',
                                    *rest[1:]])
    return tool_problems(tool, to_tool(positional, rest))


def make_targets() -> set:
    text = (ROOT / 'Makefile').read_text()
    return set(re.findall(r'^([A-Za-z0-9_.-]+)[ \t]*:(?!=)', text, re.M))


def mkdocs_problems(args: List[str]) -> List[str]:
    import click
    from mkdocs.__main__ import cli
    if not args or args[0] not in cli.commands:
        return [f'mkdocs has no command {args[:1]}; it has {sorted(cli.commands)}']
    try:
        cli.commands[args[0]].make_context(args[0], list(args[1:]))
    except click.exceptions.ClickException as err:
        return [f'mkdocs {args[0]}: {err.format_message()}']
    return []


def module_exists(module: str) -> bool:
    """Whether ``python -m module`` finds it, without letting setuptools' distutils shim see it.

    ``importlib.util.find_spec('pip')`` passes through setuptools' meta-path finder, which then
    switches itself off for the whole process (later ``import setuptools`` fails on the stdlib
    distutils); top-level names are looked up on ``sys.path`` with pkgutil instead.
    """
    top, _, rest = module.partition('.')
    if not any(info.name == top for info in pkgutil.iter_modules()):
        return False
    try:
        return not rest or importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def python_problems(args: List[str]) -> List[str]:
    while args and args[0] in ('-u', '-B', '-O', '-OO'):
        args = args[1:]
    if not args:
        return ['python without a script']
    if args[0] == '-c':
        return []
    if args[0] == '-m' and len(args) > 1:
        module = args[1]
        found = module_exists(module)
        if not found:
            return [f'python -m {module}: no such module']
        return mkdocs_problems(args[2:]) if module == 'mkdocs' else []
    if args[0].endswith('.py'):
        return tool_problems(args[0], args[1:])
    return [f'python {args[0]}: not a script or -m MODULE']


def path_problems(argv: List[str]) -> List[str]:
    problems = []
    for token in argv:
        value = token.split('=', 1)[1] if token.startswith('-') and '=' in token else token
        if REPO_PATH.match(value) and not re.search(r'[*?{\[<$]', value) \
                and not (ROOT / value).exists():
            problems.append(f'no such file in the repository: {value}')
    return problems


def command_problems(command: Command) -> List[str]:
    """Why the command would not work as shown; empty when it is fine."""
    argv = command.argv
    problems = path_problems(argv)
    if command.marked or not argv:
        return problems
    program, args = argv[0], argv[1:]
    if program in BUILTINS:
        return problems
    if program == 'make':
        targets = make_targets()
        wanted = [a for a in args if not a.startswith('-') and '=' not in a]
        return problems + [f'make: no target {t!r} in the Makefile (targets: {sorted(targets)})'
                           for t in wanted if t not in targets]
    if program in ('python', 'python3') or re.search(r'/python3?$', program):
        return problems + python_problems(args)
    if program == 'mkdocs' or program.endswith('/mkdocs'):
        return problems + mkdocs_problems(args)
    if program in LAUNCHERS:
        if not os.access(ROOT / program, os.X_OK):
            return problems + [f'{program} is not executable']
        return problems + launcher_problems(program, args)
    if REPO_PATH.match(program):
        if not (ROOT / program).is_file():
            return problems  # already reported as missing
        if not os.access(ROOT / program, os.X_OK):
            return problems + [f'{program} is not executable']
        if program.endswith('.sh'):  # its options are checked against its --help
            return problems + help_problems(ROOT / program, args)
        return problems + (tool_problems(program, args) if program.endswith('.py') else [])
    return problems + [f'unknown program {program!r}: teach tests/docs/test_doc_commands.py to '
                       'check it, or mark the command "# needs a GPU" / "# needs a cluster" '
                       'if it cannot run here']


# ---------------------------------------------------------------------------- tests


def test_the_docs_show_commands():
    docs = {c.doc for c in COMMANDS}
    assert 'README.md' in docs and 'docs/get_started.md' in docs, docs
    assert any(c.argv == ['make', 'demo'] for c in COMMANDS)
    assert any(c.argv == ['make', 'test'] for c in COMMANDS)
    assert any(c.marked for c in COMMANDS) and sum(not c.marked for c in COMMANDS) > 20


@pytest.mark.parametrize('command', COMMANDS, ids=lambda c: f'{c.doc}:{c.line}')
def test_doc_command(command):
    problems = command_problems(command)
    assert not problems, f'{command}\n  ' + '\n  '.join(problems)


# the checker itself: stale commands fail, markers and blocks are read as documented


def one(text: str) -> Command:
    commands = commands_of(ROOT / 'docs' / 'example.md', f'Text.\n\n```bash\n{text}\n```\n')
    assert len(commands) == 1, commands
    return commands[0]


@pytest.mark.parametrize('text, expected', [
    ('python tools/train.py CONFIG --no-such-option', 'unrecognized arguments: --no-such-option'),
    ('python tools/no_such_tool.py CONFIG', 'no such file in the repository: tools/no_such_tool.py'),
    ('.venv/bin/python tools/visualization/reconstruct.py CONFIG', 'required: checkpoint'),
    ('python tools/analysis_tools/benchmark_pretrain.py --batch eight', "invalid int value: 'eight'"),
    ('python tools/model_zoo.py tabels', "invalid choice: 'tabels'"),
    ('tools/dist_train.sh configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py', 'needs CONFIG GPUS'),
    ('tools/dist_train.sh configs/mae/nope.py 8', 'no such file in the repository: configs/mae/nope.py'),
    ('tools/dist_test.sh CONFIG CHECKPOINT 8 --resume', 'unrecognized arguments: --resume'),
    ('tools/slurm_train.sh gpu job CONFIG --resume', 'takes its 4th argument as WORK_DIR'),
    ('make nosuchtarget', "no target 'nosuchtarget'"),
    ('mkdocs build --no-such-flag', 'No such option'),
    ('python -m no_such_module_here', 'no such module'),
    ('rm -rf work_dirs', "unknown program 'rm'"),
])
def test_stale_commands_fail(text, expected):
    problems = command_problems(one(text))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize('text', [
    'make demo',
    'source .venv/bin/activate',
    'python tools/train.py CONFIG --work-dir work_dirs/x --resume --cfg-options a.b=1 c=None',
    'tools/slurm_train.sh gpu job CONFIG work_dirs/x --resume',
    'tools/dist_test.sh CONFIG CHECKPOINT 8 --out metrics.json',
    'python tools/model_zoo.py tables --write',
    'python3 tools/setup_env.py --force',
    '.venv/bin/mkdocs build --strict -d /tmp/site',
    'python -m pytest tests/docs -q',
])
def test_good_commands_pass(text):
    assert command_problems(one(text)) == []


def test_markers_continuations_and_variables():
    text = ('```bash\n'
            'DET=configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py\n'
            'python tools/train.py $DET \\\n'
            '    --work-dir w  # a comment\n'
            'tools/dist_train.sh ${DET} 8 --no-such-option  # needs a GPU\n'
            'NNODES=2 tools/dist_train.sh $DET 8 && make demo\n'
            '```\n\n'
            '```bash\n'
            '# needs a cluster: every command of this block\n'
            'tools/slurm_train.sh\n'
            'srun hostname\n'
            '```\n\n'
            '```\n'
            'not a shell block: output\n'
            '```\n')
    commands = commands_of(ROOT / 'docs' / 'example.md', text)
    assert [(c.line, c.argv[0], c.marked) for c in commands] == [
        (3, 'python', False), (5, 'tools/dist_train.sh', True), (6, 'tools/dist_train.sh', False),
        (6, 'make', False), (11, 'tools/slurm_train.sh', True), (12, 'srun', True)]
    assert commands[0].argv == ['python', 'tools/train.py',
                                'configs/mae/mae_vit-demo-p4_1xb64-coslr-20e_mnist5k.py', '--work-dir', 'w']
    assert all(command_problems(c) == [] for c in commands)
    stale = one('tools/dist_train.sh configs/mae/gone.py 8  # needs a GPU')
    assert stale.marked and command_problems(stale) == [
        'no such file in the repository: configs/mae/gone.py']


def test_help_fallback(tmp_path):
    script = tmp_path / 'tool.py'
    script.write_text('import sys\nprint("usage: tool.py [--alpha N] [--beta-gamma]")\n')
    assert help_problems(script, ['--alpha', '3', '--beta-gamma']) == []
    assert help_problems(script, ['--beta']) == ['tool.py has no option --beta (not in its --help)']
