"""A reproducible .tar.gz: same files in, same bytes out."""
import gzip
import io
import tarfile

FIXED_MTIME = 1577836800  # 2020-01-01T00:00:00Z, for every entry


def _info(name, size=0, directory=False):
    info = tarfile.TarInfo(name)
    info.mtime = FIXED_MTIME
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if directory:
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
    else:
        info.size = size
        info.mode = 0o644
    return info


def tar_gz_bytes(files):
    """The bytes of a gzip'd tar of ``files`` ({path: bytes}), entries sorted, times and owners fixed."""
    directories = set()
    for name in files:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            directories.add("/".join(parts[:depth]))
    entries = sorted([(d, None) for d in directories] + list(files.items()))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in entries:
            if data is None:
                tar.addfile(_info(name, directory=True))
            else:
                tar.addfile(_info(name, len(data)), io.BytesIO(data))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return packed.getvalue()
