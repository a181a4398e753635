"""Fill in a deploy/ template: every @NAME@ gets the value given as NAME=VALUE.

    python3 deploy/render.py deploy/nginx/sotehaku.conf.in SERVER_NAME=haku.example.fi ... > site

Refuses a template with a name left unfilled, and a value no placeholder asks for (a typo
would otherwise leave the default in place unnoticed). Standard library only, so the system
Python runs it before any venv exists.
"""

import re
import sys
from pathlib import Path

PLACEHOLDER = re.compile(r"@([A-Z][A-Z0-9_]*)@")


class RenderError(ValueError):
    """A template and its values do not fit: the message says how."""


def render(template: str, values: dict[str, str]) -> str:
    """Return the template with each @NAME@ replaced by values[NAME]."""
    wanted = set(PLACEHOLDER.findall(template))
    missing = sorted(wanted - set(values))
    unused = sorted(set(values) - wanted)
    if missing:
        raise RenderError(f"no value for {', '.join(missing)}")
    if unused:
        raise RenderError(f"the template has no {', '.join(unused)}")
    for name, value in values.items():
        if "\n" in value:
            raise RenderError(f"{name} holds a line break")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def main(argv: list[str]) -> int:
    if len(argv) < 1 or argv[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    values = {}
    for pair in argv[1:]:
        name, sep, value = pair.partition("=")
        if not sep:
            print(f"render.py: {pair!r} is not NAME=VALUE", file=sys.stderr)
            return 2
        values[name] = value
    try:
        sys.stdout.write(render(Path(argv[0]).read_text(encoding="utf-8"), values))
    except (OSError, RenderError) as e:
        print(f"render.py: {argv[0]}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
