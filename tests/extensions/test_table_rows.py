"""guide_extensions.table_rows: each table body row gets an anchor from its 1st cell."""

from __future__ import annotations

import markdown
from guide_extensions.table_rows import slug

TABLE = """\
# Stages {#stages}

| Stage | Owner |
|---|---|
| Data validation | ML engineer |
| Data validation | again |
| `on-call` *rota* | SRE |
| Stages | a row named like the heading |
"""


def html(text: str) -> str:
    return markdown.markdown(
        text, extensions=["tables", "toc", "attr_list", "guide_extensions.table_rows"]
    )


def test_rows_get_unique_ids_from_their_first_cell() -> None:
    page = html(TABLE)
    assert '<tr id="row-data-validation">' in page
    assert '<tr id="row-data-validation-2">' in page
    assert '<tr id="row-on-call-rota">' in page  # the text, not the markup
    assert '<tr id="row-stages">' in page
    assert page.count("<tr>") == 1  # the header row keeps no id


def test_an_id_can_not_collide_with_one_already_on_the_page() -> None:
    page = html("## X {#row-x}\n\n| a |\n|---|\n| x |\n")
    assert '<tr id="row-x-2">' in page


def test_slug_keeps_ascii_words() -> None:
    assert slug("R, A: responsible, accountable") == "r-a-responsible-accountable"
    assert slug("Étape à côté") == "etape-a-cote"
    assert slug("—") == "row"


def test_inline_html_in_the_first_cell_counts_as_its_text() -> None:
    page = html("| a |\n|---|\n| <b>COPY</b> --from |\n")
    assert '<tr id="row-copy-from">' in page
