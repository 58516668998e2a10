from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from referrals.history.services import ImportRejected, postcode_import
from referrals.models import PostcodeLookup

GOOD = """pcds,lsoa21cd,IMD decile,ladcd
NR1 3AB,E01026620,2,E07000148
nr2  4de,E01026621,7,E07000148
PE302EF,E01026700,1,E07000146
"""


def write(tmp_path, text, name="postcodes.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def table():
    return {
        p.postcode: (p.lsoa_code, p.imd_decile, p.district_ons_code)
        for p in PostcodeLookup.objects.all()
    }


@pytest.mark.django_db
def test_a_good_file_is_imported_and_postcodes_are_normalised(tmp_path, capsys):
    call_command("import_postcodes", write(tmp_path, GOOD))
    assert table() == {
        "NR1 3AB": ("E01026620", 2, "E07000148"),
        "NR2 4DE": ("E01026621", 7, "E07000148"),
        "PE30 2EF": ("E01026700", 1, "E07000146"),
    }
    assert "Imported 3 postcodes: 3 new, 0 updated." in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        "postcode,LSOA code,imd_decile,LAD code",
        "PCD,lsoa11cd,Index of Multiple Deprivation (IMD) Decile,oslaua",
        "Postcode,LSOA Code,IMD Decile,Local Authority District Code",
    ],
)
def test_the_ons_and_mhclg_heading_spellings_are_accepted(tmp_path, header):
    call_command("import_postcodes", write(tmp_path, header + "\nNR1 3AB,E01026620,2,E07000148\n"))
    assert table() == {"NR1 3AB": ("E01026620", 2, "E07000148")}


@pytest.mark.django_db
def test_a_bad_row_is_reported_by_line_and_nothing_is_written(tmp_path, capsys):
    bad = GOOD + "NR3 1XY,E01026622,11,E07000148\nNOT A POSTCODE,E01026623,3,E07000148\n"
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_postcodes", write(tmp_path, bad))
    err = capsys.readouterr().err
    assert "line 5, imd_decile: '11' is not 1–10" in err
    assert "line 6, postcode: 'NOT A POSTCODE' is not a UK postcode" in err
    assert PostcodeLookup.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_row_after_a_written_batch_rolls_the_batch_back(tmp_path):
    rows = "".join(f"NR1 {d}AB,E01026620,2,E07000148\n" for d in range(1, 10))
    text = "pcds,lsoa21cd,imd decile,ladcd\n" + rows + "NR9 9ZZ,E01026620,0,E07000148\n"
    with pytest.raises(CommandError):
        call_command("import_postcodes", write(tmp_path, text), "--batch-size", "2")
    assert PostcodeLookup.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_column_is_reported(tmp_path, capsys):
    with pytest.raises(CommandError):
        call_command(
            "import_postcodes",
            write(tmp_path, "pcds,lsoa21cd,ladcd\nNR1 3AB,E01026620,E07000148\n"),
        )
    assert "missing column(s) imd_decile" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_postcodes", str(tmp_path / "nothing.csv"))


@pytest.mark.django_db
def test_re_importing_updates_and_never_doubles(tmp_path, capsys):
    call_command("import_postcodes", write(tmp_path, GOOD))
    changed = GOOD.replace("NR1 3AB,E01026620,2", "NR1 3AB,E01026620,3")
    call_command("import_postcodes", write(tmp_path, changed, "again.csv"))
    assert PostcodeLookup.objects.count() == 3
    assert table()["NR1 3AB"] == ("E01026620", 3, "E07000148")
    assert "3 postcodes: 0 new, 3 updated" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_file_is_streamed_in_batches(django_assert_max_num_queries):
    """Rows are written batch by batch while the file is still being read."""
    seen_while_reading = []

    def lines():
        yield "pcds,lsoa21cd,imd decile,ladcd\n"
        for n in range(1, 8):
            seen_while_reading.append(PostcodeLookup.objects.count())
            yield f"NR{n} 1AB,E01026620,{n},E07000148\n"

    result = postcode_import(lines=lines(), batch_size=3)
    assert result.created == 7
    # Before row 4 is read the first batch of 3 is already written; the last row never is early.
    assert seen_while_reading == [0, 0, 0, 3, 3, 3, 6]


@pytest.mark.django_db
def test_the_service_lists_every_problem():
    with pytest.raises(ImportRejected) as caught:
        postcode_import(
            lines=[
                "pcds,lsoa21cd,imd decile,ladcd\n",
                "NR1 1AB,X,2,E07000148\n",
                "NR1 1AD,E01026620,2,Norwich\n",
            ]
        )
    assert caught.value.problems == [
        "line 2, lsoa_code: 'X' is not an LSOA code such as E01026620",
        "line 3, district_ons_code: 'NORWICH' is not a district code such as E07000143",
    ]
