"""Indexed tar shards: an image data set as a few large files read by byte offset.

A folder of JPEGs costs shared filesystems one metadata lookup per image; shards cost one open
per shard and data loader worker. Layout under ``dst``::

    shard-00000.tar  shard-00001.tar  ...   plain POSIX tar files (``tar tf`` lists them)
    index.json       written last: per shard its members' name, data offset, size, sha256, label
    progress.jsonl   one line per finished shard: what lets a rerun resume or repair

``write_shards`` packs samples into shards of about ``shard_size_mb`` MiB, each written to a
temporary file and renamed into place, then recorded in ``progress.jsonl``. A rerun keeps the
recorded shards that are still whole, rewrites missing or truncated ones, packs the samples
not yet recorded, and writes ``index.json`` atomically: a killed conversion continues.
``TarShardDataset`` reads the index (a local path or an fsspec URL), ``LoadShardImage`` reads
a member's bytes by offset, checks its sha256 and decodes it. sha256 rather than crc32: it also
proves that an index and its shards belong together, and costs about 0.1 ms per
ImageNet-sized JPEG, a few percent of decoding it.
"""
import hashlib
import io
import json
import os
import posixpath
import tarfile
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple, Union

import numpy as np
from fsspec.core import url_to_fs
from mmpretrain.datasets import BaseDataset

from mmmae.engine.atomic_io import atomic_write
from mmmae.registry import DATASETS, TRANSFORMS
from .transforms.loading import BadImageError, LoadImage

INDEX_NAME = 'index.json'
PROGRESS_NAME = 'progress.jsonl'
FORMAT = 'mmmae-tar-shards/1'
IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff', '.ppm', '.pgm',
                    '.gif')
TOOL = 'tools/dataset_converters/folder_to_shards.py'
REPAIR = (f're-run {TOOL} SRC DST (it rewrites missing and truncated shards; delete a corrupt one '
          'first), or copy the shards and index.json again together')

# (name inside the shard, the bytes or a function returning them, integer label or None)
Sample = Tuple[str, Union[bytes, Callable[[], bytes]], Optional[int]]


class ShardError(BadImageError):
    """A shard or shard index that is missing, truncated, damaged or does not match."""


def _padded(size: int) -> int:
    return -(-size // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE


def _fitting(source: Iterator[Sample], pending: List[Sample], limit: int) -> Iterator[Sample]:
    """Samples from ``pending`` then ``source`` while the shard stays under ``limit`` bytes
    (always at least one); the first that does not fit is left in ``pending``."""
    used = 0
    while pending or _pull(source, pending):
        cost = tarfile.BLOCKSIZE + _padded(len(pending[0][1]))
        if used and used + cost > limit:
            return
        used += cost
        yield pending.pop()


def _pull(source: Iterator[Sample], pending: List[Sample]) -> bool:
    """Move the next sample of ``source``, its bytes read, into ``pending``; False at the end."""
    sample = next(source, None)
    if sample is None:
        return False
    pending.append(_loaded(sample))
    return True


def _write_tar(tmp: str, samples: Iterable[Sample]) -> List[dict]:
    """Write ``samples`` (bytes already read) as the tar file ``tmp``; their index entries."""
    members = []
    with open(tmp, 'wb') as file, tarfile.open(fileobj=file, mode='w',
                                               format=tarfile.PAX_FORMAT) as tar:
        for name, data, label in samples:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0  # same bytes on every run
            tar.addfile(info, io.BytesIO(data))
            members.append(dict(name=name, offset=tar.offset - _padded(len(data)), size=len(data),
                                sha256=hashlib.sha256(data).hexdigest(), label=label))
    return members


def _write_shard(dst: Path, number: int, samples: Iterable[Sample]) -> dict:
    """Write shard ``number`` atomically; its record (file, bytes, members)."""
    name = f'shard-{number:05d}.tar'
    members: List[dict] = []
    path = atomic_write(dst / name, lambda tmp: members.extend(_write_tar(tmp, samples)))
    return dict(file=name, bytes=path.stat().st_size, members=members)


def _recorded_shards(dst: Path) -> List[dict]:
    """The shard records of ``dst/progress.jsonl``, in shard order, the last record of a shard
    winning; a torn last line (a killed append) is dropped and the file rewritten without it."""
    path = dst / PROGRESS_NAME
    if not path.is_file():
        return []
    records: Dict[str, dict] = {}
    text = path.read_text()
    lines = text.split('\n')
    for number, line in enumerate(lines[:-1], 1):  # the part after the last newline is torn
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise ShardError(f'{path} line {number} does not parse ({err}): delete {dst} and '
                             'convert again') from err
        records[record['file']] = record
    if lines[-1]:
        atomic_write(path, lambda tmp: Path(tmp).write_text(text[:text.rfind('\n') + 1]))
    return [records[name] for name in sorted(records)]


def _append_record(dst: Path, record: dict) -> None:
    with open(dst / PROGRESS_NAME, 'a') as file:
        file.write(json.dumps(record, separators=(',', ':')) + '\n')
        file.flush()
        os.fsync(file.fileno())


def _take_recorded(source: Iterator[Sample], record: dict, progress: Path) -> List[Sample]:
    """The samples of ``source`` that ``record`` lists, checked against it by name and label."""
    taken = []
    for member in record['members']:
        sample = next(source, None)
        if sample is None or (sample[0], sample[2]) != (member['name'], member['label']):
            given = 'nothing' if sample is None else f'{sample[0]} (label {sample[2]})'
            raise ShardError(f"{progress} records {member['name']} (label {member['label']}) in "
                             f"{record['file']}, but the samples now give {given} there: the "
                             'source changed since these shards were written; convert to a new '
                             'DST, or delete DST and convert again')
        taken.append(sample)
    return taken


def write_shards(samples: Iterable[Sample], dst: Union[str, os.PathLike],
                 shard_size_mb: float = 1024, metainfo: Optional[dict] = None,
                 on_shard: Optional[Callable[[dict], None]] = None) -> Path:
    """Pack ``samples`` into ``dst/shard-NNNNN.tar`` files of about ``shard_size_mb`` MiB and
    write ``dst/index.json``; return the index's path.

    ``samples`` are ``(name, data, label)``: the member's name (its path relative to the
    source), its bytes or a function returning them (so that a rerun reads only what it
    writes), an ``int`` label or None. ``metainfo`` (e.g. ``{'classes': [...]}``) is stored in
    the index. ``on_shard(record)`` is called after each shard written and recorded. Rerun
    with the same samples, it keeps the recorded shards that are whole, rewrites the others
    and continues where an interrupted run stopped.
    """
    dst = Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    for stale in dst.glob('.*.partial'):  # left by a killed write (see atomic_write)
        stale.unlink()
    limit = int(shard_size_mb * 2 ** 20)
    source, shards = iter(samples), []
    for record in _recorded_shards(dst):
        group = _take_recorded(source, record, dst / PROGRESS_NAME)
        shard = dst / record['file']
        if not (shard.is_file() and shard.stat().st_size == record['bytes']):
            record = _write_shard(dst, int(shard.stem.split('-')[1]),
                                  (_loaded(sample) for sample in group))
            _append_record(dst, record)
            if on_shard:
                on_shard(record)
        shards.append(record)
    pending: List[Sample] = []
    while pending or _pull(source, pending):
        record = _write_shard(dst, len(shards), _fitting(source, pending, limit))
        _append_record(dst, record)
        shards.append(record)
        if on_shard:
            on_shard(record)
    index = dict(format=FORMAT, checksum='sha256', metainfo=metainfo or {}, shards=shards)
    return atomic_write(dst / INDEX_NAME,
                        lambda tmp: Path(tmp).write_text(json.dumps(index, separators=(',', ':'))))


def _loaded(sample: Sample) -> Sample:
    name, data, label = sample
    return name, data() if callable(data) else data, label


def _file_reader(path: Path, listed_in: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            return path.read_bytes()
        except FileNotFoundError as err:
            raise FileNotFoundError(f'{path} does not exist, but {listed_in} lists it; restore '
                                    'the file or remove its line') from err
    return read


def _image_files(folder: Path) -> List[str]:
    """Image files under ``folder`` at any depth, relative POSIX paths, sorted; hidden files and
    folders skipped (as MMPretrain's ``CustomDataset`` lists them)."""
    found = []
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith('.')]
        found += [Path(parent, f).relative_to(folder).as_posix() for f in files
                  if not f.startswith('.') and f.lower().endswith(IMAGE_EXTENSIONS)]
    return sorted(found)


def folder_samples(src: Union[str, os.PathLike], ann_file: Optional[Union[str, os.PathLike]] = None,
                   with_label: bool = True) -> Tuple[List[Sample], dict]:
    """The samples of an image folder in one of MMPretrain's layouts, read lazily, and their
    metainfo, for :func:`write_shards`.

    With ``ann_file``: its lines ``relative/path label`` (just ``relative/path`` when
    ``with_label=False``), paths relative to ``src``. Without: ``src``'s class subfolders,
    sorted, give the classes (``metainfo['classes']``), as ``CustomDataset`` reads them; with
    ``with_label=False`` every image under ``src`` is a sample, unlabelled.
    """
    src = Path(src)
    if not src.is_dir():
        raise FileNotFoundError(f'{src} is not a folder; give the folder that holds the images')
    samples, metainfo = _listed_samples(src, ann_file, with_label)
    if not samples:
        raise ValueError(f'found no image in {ann_file or src} (extensions looked for: '
                         f'{", ".join(IMAGE_EXTENSIONS)}); give the folder of the images')
    return samples, metainfo


def _listed_samples(src: Path, ann_file: Optional[Union[str, os.PathLike]],
                    with_label: bool) -> Tuple[List[Sample], dict]:
    if ann_file is not None:
        samples = []
        lines = Path(ann_file).read_text().splitlines()
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            name, label = line.strip(), None
            if with_label:
                name, _, label = name.rpartition(' ')
                if not name or not label.isdigit():
                    raise ValueError(f'{ann_file} line {number} ({line!r}) is not "path label" '
                                     'with an integer label; give the labels, or convert '
                                     'without them (--no-labels)')
                label = int(label)
            samples.append((name, _file_reader(src / name, str(ann_file)), label))
        return samples, {}
    if not with_label:
        return [(name, _file_reader(src / name, f'the listing of {src}'), None)
                for name in _image_files(src)], {}
    classes = sorted(p.name for p in src.iterdir() if p.is_dir() and not p.name.startswith('.'))
    if not classes:
        raise ValueError(f'{src} has no class subfolders; convert every image under it without '
                         'labels (--no-labels), or give an annotation file (--ann-file)')
    samples = [(f'{cls}/{name}', _file_reader(src / cls / name, f'the listing of {src}'), label)
               for label, cls in enumerate(classes) for name in _image_files(src / cls)]
    return samples, dict(classes=classes)


def load_index(url: str, storage_options: Optional[dict] = None) -> dict:
    """The shard index at ``url`` (a path or an fsspec URL), its errors naming the fix."""
    fs, path = url_to_fs(url, **(storage_options or {}))
    try:
        with fs.open(path, 'rb') as file:
            index = json.loads(file.read())
    except FileNotFoundError as err:
        raise ShardError(f'{url} does not exist: the shards were not converted, or the conversion '
                         f'did not finish (the index is written last); run {TOOL} SRC DST, or '
                         'run it again to resume') from err
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ShardError(f'{url} does not parse ({err}): the index is damaged; {REPAIR}') from err
    if not isinstance(index, dict) or index.get('format') != FORMAT:
        raise ShardError(f'{url} is not a shard index of format {FORMAT}; point the dataset at '
                         f'the index.json that {TOOL} writes')
    return index


@DATASETS.register_module()
class TarShardDataset(BaseDataset):
    """The samples of indexed tar shards (:func:`write_shards`), read by offset.

    ``data_root`` is the shard folder, a local path or an fsspec URL (``file://``,
    ``memory://``, ``s3://`` with s3fs installed ...), ``ann_file`` its index, relative to
    ``data_root``. Each data info holds ``shard_path``, ``offset``, ``size``, ``sha256``,
    ``name`` and, where the index has labels and ``with_label``, ``gt_label``; the pipeline
    reads the image with :class:`LoadShardImage`. Classes come from the index unless
    ``classes`` or ``metainfo`` give them. Random access by index: samplers, shuffling,
    distributed sharding and resuming work as with MMPretrain's ``CustomDataset``.
    """

    def __init__(self, data_root: str = '', ann_file: str = INDEX_NAME, with_label: bool = True,
                 storage_options: Optional[dict] = None, **kwargs) -> None:
        self.with_label, self.storage_options = with_label, storage_options or {}
        super().__init__(ann_file=ann_file, data_root=data_root, **kwargs)

    def _join_prefix(self) -> None:
        # mmengine's join_path knows only its own backends, not fsspec URLs such as memory://
        if self.data_root and '://' not in self.ann_file and not os.path.isabs(self.ann_file):
            self.ann_file = posixpath.join(self.data_root, self.ann_file)

    def load_data_list(self) -> List[dict]:
        """One data info per member of the index's shards."""
        index = load_index(self.ann_file, self.storage_options)
        classes = index.get('metainfo', {}).get('classes')
        if self.CLASSES is None and classes:
            self._metainfo['classes'] = tuple(classes)
        root = posixpath.dirname(self.ann_file)
        data_list = []
        for shard in index['shards']:
            shard_path = posixpath.join(root, shard['file'])
            for member in shard['members']:
                info = dict(shard_path=shard_path, offset=member['offset'], size=member['size'],
                            sha256=member['sha256'], name=member['name'])
                if self.with_label and member['label'] is not None:
                    info['gt_label'] = member['label']
                data_list.append(info)
        return data_list


class ShardReader:
    """Reads members by byte offset, each shard opened once per process, on first use.

    Open files are neither pickled nor shared across a fork: a copy made by pickling (a data
    loader worker started by spawn / forkserver) or a forked process opens its own. At most
    ``max_open`` shards stay open (least recently used closed first).
    """

    def __init__(self, storage_options: Optional[dict] = None, open_options: Optional[dict] = None,
                 max_open: int = 512) -> None:
        self.storage_options = storage_options or {}
        self.open_options = dict(cache_type='none') if open_options is None else open_options
        self.max_open = max_open
        self._files: 'OrderedDict[str, io.IOBase]' = OrderedDict()
        self._pid: Optional[int] = os.getpid()

    def __getstate__(self) -> dict:
        return {**self.__dict__, '_files': OrderedDict(), '_pid': None}

    def read(self, shard: str, offset: int, size: int, sha256: str, name: str) -> bytes:
        """Member ``name``'s bytes, checked against the index's ``size`` and ``sha256``."""
        file = self._open(shard)
        file.seek(offset)
        data = file.read(size)
        if len(data) != size:
            end = file.seek(0, os.SEEK_END)
            raise ShardError(f'{shard} is truncated: {name} needs bytes {offset}..{offset + size} '
                             f'but the file ends at {end}; {REPAIR}')
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ShardError(f'{name} in {shard} (bytes {offset}..{offset + size}) fails its '
                             'sha256 check: the shard is corrupt or the index belongs to other '
                             f'shards; {REPAIR}')
        return data

    def _open(self, shard: str) -> io.IOBase:
        if self._pid != os.getpid():  # forked: the parent's files share its file positions
            self._files, self._pid = OrderedDict(), os.getpid()
        file = self._files.get(shard)
        if file is not None:
            self._files.move_to_end(shard)
            return file
        fs, path = url_to_fs(shard, **self.storage_options)
        try:
            file = fs.open(path, 'rb', **self.open_options)
        except FileNotFoundError as err:
            raise ShardError(f'{shard} does not exist, but the index lists it; {REPAIR}') from err
        self._files[shard] = file
        if len(self._files) > self.max_open:
            self._files.popitem(last=False)[1].close()
        return file


@TRANSFORMS.register_module()
class LoadShardImage(LoadImage):
    """``LoadImage`` for :class:`TarShardDataset`: reads the member by offset, checks its sha256,
    decodes it to uint8 BGR. A missing or truncated shard or a checksum mismatch is a
    :class:`ShardError` naming the shard, the member and the fix; ``on_error`` treats it as
    ``LoadImage`` treats a bad file (``'skip'`` returns None: the dataset draws another).
    ``storage_options`` go to fsspec's ``url_to_fs``, ``open_options`` to ``fs.open``
    (default ``cache_type='none'``: one read per member, no read-ahead).
    """

    def __init__(self, on_error: str = 'stop', storage_options: Optional[dict] = None,
                 open_options: Optional[dict] = None, max_open_shards: int = 512) -> None:
        super().__init__(on_error)
        self.reader = ShardReader(storage_options, open_options, max_open_shards)

    def read(self, results: dict) -> Tuple[bytes, str]:
        """The member's bytes and its name for errors: ``shard_path:name``."""
        data = self.reader.read(results['shard_path'], results['offset'], results['size'],
                                results['sha256'], results['name'])
        return data, f"{results['shard_path']}:{results['name']}"


@TRANSFORMS.register_module()
class LoadShardBytes(LoadShardImage):
    """:class:`LoadShardImage` without the decode: ``results['img']`` is the member's bytes (a
    1-D uint8 array, read by offset and checked as there), for ``LoadRandomResizedCrop``, which
    decodes a JPEG only at its crop's need, or for ``DeviceDecodePreprocessor`` on the GPU."""

    def decode(self, data: bytes, name: str, results: dict) -> dict:
        results['img'] = np.frombuffer(data, np.uint8).copy()  # writable, for torch.from_numpy
        return results
