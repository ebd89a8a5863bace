"""The verbs of the emoji app; views, tasks, the admin and the `emoji` command all call these."""

from emoji.services.files import (
    add_file,
    add_zip,
    fetch_file,
    get_pack_for_files,
    remove_file,
    rename_file,
    set_tags,
)
from emoji.services.imports import generate_pack, import_packs
from emoji.services.packs import (
    build_archive,
    can_download,
    create_pack,
    delete_pack,
    files_of,
    get_pack,
    list_packs,
    render_pack,
    set_share_files,
    update_metadata,
)
from emoji.services.remote import list_remote, request_download, run_download

__all__ = [
    "add_file", "add_zip", "build_archive", "can_download", "create_pack", "delete_pack",
    "fetch_file", "files_of", "generate_pack", "get_pack", "get_pack_for_files", "import_packs",
    "list_packs", "list_remote", "remove_file", "rename_file", "render_pack", "request_download",
    "run_download", "set_share_files", "set_tags", "update_metadata",
]
