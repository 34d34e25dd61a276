"""The Galaxy as the shell indexes it, for plugins that browse or follow it: the index,
the catalog (index, browse path, lookups), globs, names, deploys. Public under
mxshell.api.API_VERSION."""

from __future__ import annotations

from mxshell.galaxy import (
    AttributeInfo,
    DeployFollower,
    GalaxyCatalog,
    GalaxyIndex,
    GalaxyPathError,
    ObjectEntry,
    category_name,
    data_type_name,
    deploy_row,
    deploy_time_text,
    glob_attributes,
    glob_objects,
    path_text,
    resolve_path,
    security_name,
)
from mxshell.galaxy.glob import split_glob
from mxshell.galaxy.names import DATA_TYPE_NAMES, SECURITY_NAMES, lookup_name

__all__ = [
    "DATA_TYPE_NAMES",
    "SECURITY_NAMES",
    "AttributeInfo",
    "DeployFollower",
    "GalaxyCatalog",
    "GalaxyIndex",
    "GalaxyPathError",
    "ObjectEntry",
    "category_name",
    "data_type_name",
    "deploy_row",
    "deploy_time_text",
    "glob_attributes",
    "glob_objects",
    "lookup_name",
    "path_text",
    "resolve_path",
    "security_name",
    "split_glob",
]
