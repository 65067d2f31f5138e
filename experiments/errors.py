"""One clear line for every error a user can make on the command line.

Hydra prints its own multi-line messages (and sometimes a traceback) for a bad override,
a missing config, a wrong type; :func:`describe` turns each into one line naming the key
and what is allowed, with the nearest allowed name when one is close ("did you mean").
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable

from hydra.errors import MissingConfigException, OverrideParseException
from omegaconf.errors import ConfigKeyError, OmegaConfBaseException, ValidationError

from experiments.schema import allowed_keys, dotted_keys
from sim.params import REMOVED, ParamError


class OverrideError(ValueError):
    """A command-line value that must not run; the message is one line."""


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the allowed name closest to ``name`` (difflib), else ``""``."""
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def unknown_key(key: str) -> str:
    """One line for a key the schema does not know: the nearest key, and the keys allowed in its section."""
    if key in REMOVED:
        return f"{key} was removed: {REMOVED[key]}"
    section, _, _ = key.rpartition(".")
    allowed = allowed_keys(section)
    where = f"under {section}" if section else "at the top level"
    hint = f": allowed keys {where}: {', '.join(allowed)}" if allowed else ""
    return f"unknown key {key}{did_you_mean(key, dotted_keys())}{hint}"


def describe(exc: BaseException) -> str:
    """A one-line description of ``exc`` for ``error: ...`` on stderr."""
    if isinstance(exc, ParamError):
        return str(exc)
    if isinstance(exc, OverrideParseException):
        return f"bad override {exc.override!r}: {_syntax(exc)}; expected key=value or key=a,b,c (see groupsim --help)"
    if isinstance(exc, MissingConfigException):
        return _missing_config(exc)
    cause = _omegaconf_cause(exc)
    if cause is not None:
        return _omegaconf(cause)
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"cannot use {exc.filename}: {exc.strerror or exc}"
    lines = _lines(exc)
    return "; ".join(lines) if lines else type(exc).__name__


def _syntax(exc: OverrideParseException) -> str:
    """What is wrong in an override and where, from the parser's message (ANTLR's wording)."""
    text = " ".join(line for line in _lines(exc) if not line.startswith(("See ", "Error parsing")))
    override = str(exc.override or "")
    match = re.search(r"(?:mismatched|extraneous) input '(.*?)'", text)
    if match and match.group(1) == "<EOF>":
        return f"it ends where a value is expected (after {override[-1:]!r} at character {len(override)})"
    if match:
        token = match.group(1)
        start = override.find("=") + 1
        at = override.find(token, start if token != "=" else start) + 1
        return f"unexpected {token!r} at character {at}"
    return text.split(" expecting ")[0] or "cannot parse it"


def _omegaconf_cause(exc: BaseException) -> OmegaConfBaseException | None:
    while exc is not None:
        if isinstance(exc, OmegaConfBaseException):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _omegaconf(exc: OmegaConfBaseException) -> str:
    key = getattr(exc, "full_key", None) or ""
    msg = _lines(exc)[0] if _lines(exc) else type(exc).__name__
    if isinstance(exc, ConfigKeyError) or "not in" in msg:
        return unknown_key(key)
    if isinstance(exc, ValidationError):
        match = re.match(r"Value '(.*)' of type '(\w+)' could not be converted to (\w+)", msg)
        if match:
            value, _, wanted = match.groups()
            return f"{key} = {value!r} has the wrong type: allowed {_article(wanted)}"
    return f"{key}: {msg}" if key else msg


def _missing_config(exc: MissingConfigException) -> str:
    text = " ".join(_lines(exc))
    match = re.search(r"Could not find '([^']+)'", text)
    what = match.group(1) if match else (exc.missing_cfg_file or "config")
    group = what.rpartition("/")[0]
    options = getattr(exc, "options", None)
    allowed = f": allowed {group}={{{','.join(sorted(options))}}}" if options else ""
    hint = did_you_mean(what.rpartition("/")[2], options) if options else ""
    return f"no config {what!r}{hint}{allowed}"


def _article(type_name: str) -> str:
    names = {"Integer": "an integer", "Float": "a number", "Boolean": "true or false"}
    return names.get(type_name, f"a {type_name.lower()}")


def _lines(exc: BaseException) -> list[str]:
    return [line.strip() for line in str(exc).splitlines() if line.strip()]
