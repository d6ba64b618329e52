"""Silencing a repeated trace's printing affects the tracing thread only: a dataset's map
traced in a prefetch thread swallowed what the main thread printed meanwhile."""

import contextlib
import io
import threading

from tapegrad._core.quiet import quiet_prints


def test_only_the_quiet_thread_is_silenced():
    out = io.StringIO()
    entered, printed = threading.Event(), threading.Event()

    def background():
        with quiet_prints():
            print("from the quiet thread")
            entered.set()
            printed.wait(5)
            print("still quiet")

    with contextlib.redirect_stdout(out):
        worker = threading.Thread(target=background)
        worker.start()
        entered.wait(5)
        print("from the main thread")  # while the other thread is quiet
        printed.set()
        worker.join(5)
        print("after")
    assert out.getvalue() == "from the main thread\nafter\n"


def test_nested_blocks_and_the_stream_put_back():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        with quiet_prints():
            print("a")
            with quiet_prints():
                print("b")
            print("c")
        print("d")
        import sys

        assert sys.stdout is out
    assert out.getvalue() == "d\n"
