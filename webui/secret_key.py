"""The key that signs session cookies: random, made once, shared by every worker."""

import os
import secrets
from pathlib import Path

KEY_FILE = ".secret-key"


def shared_secret_key(index_dir: Path) -> str:
    """Return the key kept in the index folder, creating it (mode 0600) on first start.

    Workers start at the same time and must end up with the same key, or a session opened in
    one would be refused by the other. The key is written to a private temporary file and
    then hard-linked into place: the link either appears whole or fails because another
    worker was first, so nobody ever reads a half-written key.
    """
    path = index_dir / KEY_FILE
    if not path.exists():
        index_dir.mkdir(parents=True, exist_ok=True)
        tmp = index_dir / f"{KEY_FILE}.{secrets.token_hex(4)}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(32))
                f.flush()
                os.fsync(f.fileno())
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if len(key) < 32:
        raise ValueError(f"{path} does not hold a usable key: delete it and start again.")
    return key
