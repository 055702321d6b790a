"""Where ``chipgraph viz`` may write pages: inside the output folder, nowhere else.

The rule: a page name is a relative path ending in ``.html`` (subfolders
allowed), resolved inside the output folder (``--output-dir``, else
``CHIPGRAPH_VIZ_OUTPUT_DIR``, else ``./viz``). Names with ``..``, absolute
names, names whose folder leads out of the output folder through a symlink,
and existing symlinks are refused; to write elsewhere, name another output
folder explicitly. Pages are written to a temporary file first and renamed
into place, so a reader never sees half a page.

>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> safe_output_path(root, "maps/overview.html") == root.resolve() / "maps" / "overview.html"
True
>>> safe_output_path(root, "../escape.html")
Traceback (most recent call last):
...
graph.errors.InvalidParameter: refused output name '../escape.html': '..' is not allowed
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path, PurePath

from graph.errors import InvalidParameter

__all__ = ["safe_output_path", "write_page"]


def _refuse(name: str | PurePath, why: str) -> InvalidParameter:
    return InvalidParameter(f"refused output name {str(name)!r}: {why}")


def safe_output_path(output_dir: Path, name: str | PurePath) -> Path:
    """The absolute path ``name`` stands for inside ``output_dir`` (see the module docstring).

    Raises :class:`~graph.errors.InvalidParameter` when the name could
    reach outside the folder.
    """
    text = str(name)
    if not text or "\x00" in text:
        raise _refuse(name, "empty or contains a NUL byte")
    pure = PurePath(text)
    if pure.is_absolute() or text.startswith(("/", "\\")) or pure.drive:
        raise _refuse(name, "absolute paths are not allowed; give a name inside the output folder or use --output-dir")
    parts = text.replace("\\", "/").split("/")
    if ".." in parts:
        raise _refuse(name, "'..' is not allowed")
    if not pure.name.lower().endswith(".html") or pure.name.startswith("."):
        raise _refuse(name, "pages are written as NAME.html")
    root = Path(output_dir).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    root = root.resolve(strict=True)
    target = root.joinpath(*[p for p in parts if p not in ("", ".")])
    if not target.parent.resolve().is_relative_to(root):
        raise _refuse(name, "its folder leads outside the output folder")
    if target.is_symlink():
        raise _refuse(name, "it is a symbolic link")
    if target.exists() and not target.is_file():
        raise _refuse(name, "it is not a regular file")
    return target


def write_page(output_dir: Path, name: str | PurePath, html: str) -> Path:
    """Write ``html`` to ``name`` inside ``output_dir`` atomically; the path written."""
    target = safe_output_path(output_dir, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(Path(output_dir).resolve()):
        raise _refuse(name, "its folder leads outside the output folder")
    fd, temp = tempfile.mkstemp(prefix=".viz-", suffix=".html", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(html)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
