"""Deliveries in groups for the task runner: whole organisation folders, in inbox order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from connectors import InboxFile
from pipeline.night.groups import delivery_groups


def _file(folder: str, name: str) -> InboxFile:
    received = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    return InboxFile(Path(folder) / name, folder, f"{folder}{name}", received, 10)


def test_every_file_of_a_folder_lands_in_one_group_in_its_own_order() -> None:
    files = [_file(f"GM{i % 30:04d}", f"levering_{i}.csv") for i in range(120)]

    groups = delivery_groups(files, workers=2)

    assert sorted(f.path for g in groups for f in g) == sorted(f.path for f in files)
    folders_per_group = [{f.folder for f in g} for g in groups]
    assert sum(len(f) for f in folders_per_group) == 30  # no folder split over two groups
    assert len(groups) > 1
    for group in groups:
        for folder in {f.folder for f in group}:
            own = [f.path.name for f in group if f.folder == folder]
            assert own == [f.path.name for f in files if f.folder == folder]


def test_groups_are_about_equal_and_at_least_the_minimum() -> None:
    files = [_file(f"GM{i:04d}", "q1.csv") for i in range(200)]  # one file per folder

    groups = delivery_groups(files, workers=2)  # 8 groups wanted; 25 files each

    assert [len(g) for g in groups] == [25] * 8


def test_a_small_inbox_is_one_group_and_a_big_folder_stays_whole() -> None:
    few = [_file("GM0001", f"{i}.csv") for i in range(5)]
    assert delivery_groups(few, workers=4) == [few]
    big = [_file("POL", f"{i}.csv") for i in range(100)] + [_file("GM0002", "a.csv")]

    groups = delivery_groups(big, workers=2)

    assert [len(g) for g in groups] == [100, 1]


def test_no_files_no_groups() -> None:
    assert delivery_groups([], workers=2) == []


def test_the_folders_of_an_old_and_a_new_gemeentecode_share_a_group() -> None:
    files = [_file(f"GM{i:04d}", "q1.csv") for i in range(1, 60)] + [_file("GM0788", "q1.csv")]
    successor = {"GM0788": "GM1954"}  # Haaren, split up: its rows count for the new code
    files.insert(1, _file("GM1954", "q1.csv"))

    groups = delivery_groups(files, workers=2, current_code=lambda c: successor.get(c, c))

    (together,) = [g for g in groups if any(f.folder == "GM1954" for f in g)]
    assert [f.folder for f in together if f.folder in ("GM1954", "GM0788")] == ["GM1954", "GM0788"]


def test_chunks_keep_the_order_and_cut_at_files_or_bytes() -> None:
    from dataclasses import replace

    from pipeline.night.groups import CHUNK_BYTES, CHUNK_FILES, chunks

    small = [_file("GM0014", f"{i}.csv") for i in range(CHUNK_FILES + 5)]
    assert [len(c) for c in chunks(small)] == [CHUNK_FILES, 5]
    third = CHUNK_BYTES // 3 + 1  # three of these pass the byte limit
    big = [replace(_file("GM0014", f"{i}.xlsx"), size=third) for i in range(5)]
    assert [len(c) for c in chunks(big)] == [2, 2, 1]
    huge = [replace(_file("GM0014", "a.xlsx"), size=5 * CHUNK_BYTES), *small[:3]]
    assert [len(c) for c in chunks(huge)] == [1, 3]  # a file over the limit is a chunk alone
    assert [f for c in chunks(small + big) for f in c] == small + big
    assert chunks([]) == []


def test_a_group_closes_once_it_holds_about_group_bytes() -> None:
    from dataclasses import replace

    from pipeline.night.groups import GROUP_BYTES

    quarter = GROUP_BYTES // 4  # four folders of a quarter each fill a group
    files = [replace(_file(f"GM{i:04d}", "q1.csv"), size=quarter) for i in range(42)]

    groups = delivery_groups(files, workers=1)  # by work alone: four groups of ~21 MB

    assert [len(g) for g in groups] == [4] * 10 + [2]


def test_a_group_with_big_files_takes_fewer_other_files() -> None:
    """A file counts as FILE_COST_BYTES plus its size: politie's big files fill much of a group."""
    from dataclasses import replace

    from pipeline.night.groups import FILE_COST_BYTES

    small = [_file(f"GM{i:04d}", "q1.csv") for i in range(150)]  # 10 bytes: about one unit each
    big = [replace(_file("POL", f"POL_2025Q{q}.jsonl"), size=49 * FILE_COST_BYTES) for q in (1, 2)]
    files = small[:100] + big + small[100:]  # 250 units of work: 8 groups of ~31 units

    groups = delivery_groups(files, workers=2)

    # made in inbox order: 32, 32, 32, then POL (100 units) with 4 others, 32, 18; heaviest first
    assert [len(g) for g in groups] == [6, 32, 32, 32, 32, 18]
    assert {f.folder for f in groups[0]} == {"POL", "GM0096", "GM0097", "GM0098", "GM0099"}
    assert [g[0].folder for g in groups[1:]] == ["GM0000", "GM0032", "GM0064", "GM0100",
                                                 "GM0132"]  # fmt: skip


def test_the_groups_go_heaviest_first_and_of_equal_work_in_their_order() -> None:
    """So a night ends on light groups: no worker idles behind another's heavy one."""
    from dataclasses import replace

    from pipeline.night.groups import FILE_COST_BYTES

    small = [_file(f"GM{i:04d}", "q1.csv") for i in range(90)]  # 10 bytes: about one unit each
    big = replace(_file("POL", "POL_2025Q1.jsonl"), size=29 * FILE_COST_BYTES)  # 30 units
    files = [*small[:60], big, *small[60:]]  # 120 units: groups of 20 (MIN_GROUP)

    groups = delivery_groups(files, workers=2)

    # made in inbox order: 20, 20, 20 files, POL alone (30 units), 20, 10
    assert [len(g) for g in groups] == [1, 20, 20, 20, 20, 10]
    assert [g[0].folder for g in groups] == ["POL", "GM0000", "GM0020", "GM0040", "GM0060",
                                             "GM0080"]  # fmt: skip


def test_organisations_whose_files_one_profile_names_are_grouped_together() -> None:
    """A pass per profile in a group: the organisations of one profile (by their first file's
    name) lie next to each other, in inbox order within it; a name no profile matches, or
    several do, keeps the organisation in inbox order among the others without one."""
    from connectors.profiles import load_profiles
    from schemas.profile import MappingProfile

    def profile(pid: str, pattern: str) -> MappingProfile:
        return load_profiles()[0].model_copy(update={"id": pid, "file_pattern": pattern})

    profiles = (profile("gir", r"^GIR_.*\.csv$"), profile("sjabloon", r"^GM\d{4}_.*\.csv$"),
                profile("ook_gir", r"^GIR_GM0003.*\.csv$"))  # fmt: skip
    names = {"GM0001": "GIR_GM0001_2025-K1.csv", "GM0002": "GM0002_2025Q1.csv",
             "GM0003": "GIR_GM0003_2025-K1.csv",  # two profiles match: by its headers, later
             "GM0004": "GIR_GM0004_2025-K1.csv", "GM0005": "export.csv",
             "GM0006": "GM0006_2025Q1.csv"}  # fmt: skip
    files = [_file(folder, name) for folder, name in names.items()]

    (group,) = delivery_groups(files, workers=1, profiles=profiles)

    assert [f.folder for f in group] == ["GM0003", "GM0005", "GM0001", "GM0004", "GM0002",
                                         "GM0006"]  # fmt: skip
    (unsorted,) = delivery_groups(files, workers=1)  # no profiles: inbox order
    assert unsorted == files
