"""Go's tabwriter as kubectl configures it (cli-runtime pkg/printers/tabwriter.go:
minwidth 6, tabwidth 4, padding 3, padchar ' ', flags RememberWidths, liggitt/tabwriter)."""

from k8slab.cli.tabwriter import TabWriter, tabwrite


def test_kubectl_get_pod_expectation():
    # kubectl pkg/cmd/get/get_test.go TestGetObjects (table variant)
    text = "NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nfoo\t0/0\t\t0\t<unknown>\n"
    assert tabwrite(text) == "NAME   READY   STATUS   RESTARTS   AGE\nfoo    0/0              0          <unknown>\n"


def test_min_width_six_and_padding_three():
    assert tabwrite("a\tb\nccc\td\n") == "a     b\nccc   d\n"
    assert tabwrite("abcdefgh\tx\n") == "abcdefgh   x\n"


def test_last_column_is_not_padded_but_empty_last_cells_pad_the_column_before():
    # get_test.go TestGetListComponentStatus: "servergood      Healthy     ok        "
    text = ("NAME\tSTATUS\tMESSAGE\tERROR\n"
            "servergood\tHealthy\tok\t\n"
            "serverbad\tUnhealthy\t\tbad status: 500\n"
            "serverunknown\tUnhealthy\t\tfizzbuzz error\n")
    assert tabwrite(text) == (
        "NAME            STATUS      MESSAGE   ERROR\n"
        "servergood      Healthy     ok        \n"
        "serverbad       Unhealthy             bad status: 500\n"
        "serverunknown   Unhealthy             fizzbuzz error\n")


def test_ragged_rows_split_column_blocks():
    # Column 1 exists only in lines 0 and 2: two blocks. With RememberWidths the second
    # block keeps the first block's width (6 here); its own would also be 6.
    assert tabwrite("a\tb\tc\naaaa\tb\nx\ty\tzzzzzzzzzz\n") == "a      b     c\naaaa   b\nx      y     zzzzzzzzzz\n"


def test_remembered_width_carries_to_a_later_block_but_not_back():
    # Column 1 of the first line is 'bbbbbbbbbb' (width 13); the tab-less line flushes;
    # the next line's 'y' is padded to the remembered 13, as liggitt/tabwriter does.
    out = tabwrite("a\tbbbbbbbbbb\tc\nshort\nx\ty\tz\n")
    assert out == "a     bbbbbbbbbb   c\nshort\nx     y            z\n"


def test_plain_go_tabwriter_without_remember_widths_formats_blocks_independently():
    w = TabWriter(remember_widths=False)
    w.write("a\tbbbbbbbbbb\tc\nshort\nx\ty\tz\n")
    assert w.flush() == "a     bbbbbbbbbb   c\nshort\nx     y     z\n"


def test_set_remembered_widths_resets_between_tables():
    w = TabWriter()
    w.write("NAME\tAGE\nvery-long-name\t1s\n")
    first = w.flush()
    w.set_remembered_widths(None)
    w.write("NAME\tAGE\nx\t1s\n")
    assert first == "NAME             AGE\nvery-long-name   1s\n"
    assert w.flush() == "NAME   AGE\nx      1s\n"


def test_widths_count_code_points_not_bytes():
    assert tabwrite("é\tx\nab\ty\n") == "é     x\nab    y\n"


def test_text_without_trailing_newline_is_kept():
    assert tabwrite("a\tb") == "a     b"
