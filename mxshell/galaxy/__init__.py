"""The Galaxy as the shell holds it: an in-memory index of objects and attributes, built
from the Galaxy Repository in the background, with completion, globs, browsing and a
deploy follower. Knows nothing of the terminal; plugins/galaxy/ and
plugins/deploywatch.py put it to use."""

from __future__ import annotations

from mxshell.galaxy.browse import BrowsePath, GalaxyPathError, path_text, resolve_path
from mxshell.galaxy.catalog import GalaxyCatalog, GalaxyUnavailable, Rebuilt
from mxshell.galaxy.complete import TagCandidate, complete_reference, fuzzy_objects
from mxshell.galaxy.deploys import DeployFollower, deploy_row, deploy_time_text
from mxshell.galaxy.glob import glob_attributes, glob_objects, glob_references
from mxshell.galaxy.index import (
    AttributeInfo,
    AttributeSet,
    GalaxyIndex,
    IndexBuilder,
    ObjectEntry,
)
from mxshell.galaxy.names import category_name, data_type_name, security_name

__all__ = [
    "AttributeInfo",
    "AttributeSet",
    "BrowsePath",
    "DeployFollower",
    "GalaxyCatalog",
    "GalaxyIndex",
    "GalaxyPathError",
    "GalaxyUnavailable",
    "IndexBuilder",
    "ObjectEntry",
    "Rebuilt",
    "TagCandidate",
    "category_name",
    "complete_reference",
    "data_type_name",
    "deploy_row",
    "deploy_time_text",
    "fuzzy_objects",
    "glob_attributes",
    "glob_objects",
    "glob_references",
    "path_text",
    "resolve_path",
    "security_name",
]
