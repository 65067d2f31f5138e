"""``groupsim --help``: Hydra's help page (the ``hydra.help`` template of the config), made quickly.

Hydra lists the config groups by copying its whole config repository once per group and per
option (86 copies for this app, about a second of CPU); this fills the same template with
the same sections from one copy, so that ``--help`` answers at once.
"""

from __future__ import annotations

import string
from typing import Any, List

from hydra._internal.config_loader_impl import ConfigLoaderImpl
from hydra._internal.hydra import Hydra
from hydra._internal.utils import create_config_search_path, get_args_parser
from hydra.core.object_type import ObjectType
from hydra.types import RunMode
from omegaconf import OmegaConf, open_dict

from experiments.schema import CONFIG_DIR


def help_text(overrides: List[str], resolve: bool = False) -> str:
    """The help page of ``groupsim`` for ``overrides`` (what ``groupsim --help`` prints)."""
    loader = ConfigLoaderImpl(config_search_path=create_config_search_path(str(CONFIG_DIR)))
    cfg = loader.load_configuration("config", overrides, RunMode.RUN)
    _, repository = loader._parse_overrides_and_create_caching_repo("config", overrides)
    groups = sorted(_groups(repository, ""))
    template = string.Template(cfg.hydra.help.template)
    OmegaConf.set_readonly(cfg, False)
    with open_dict(cfg):
        del cfg["hydra"]
    return template.substitute(
        FLAGS_HELP=Hydra.format_args_help(get_args_parser()),
        HYDRA_CONFIG_GROUPS=_listing(repository, [g for g in groups if _is_hydra(g)]),
        APP_CONFIG_GROUPS=_listing(repository, [g for g in groups if not _is_hydra(g)]),
        CONFIG=OmegaConf.to_yaml(cfg, resolve=resolve),
    )


def _groups(repository: Any, parent: str) -> List[str]:
    """Every config group below ``parent`` that holds options (as Hydra lists them)."""
    out: List[str] = []
    for group in repository.get_group_options(parent, ObjectType.GROUP):
        name = f"{parent}/{group}" if parent else group
        if repository.get_group_options(name, ObjectType.CONFIG):
            out.append(name)
        out += _groups(repository, name)
    return out


def _listing(repository: Any, groups: List[str]) -> str:
    return "".join(f"{g}: {', '.join(sorted(repository.get_group_options(g, ObjectType.CONFIG)))}\n" for g in groups)


def _is_hydra(group: str) -> bool:
    return group == "hydra" or group.startswith("hydra/")
