"""The command line refuses, in one line and before any rendering, what breaks later.

Arrays larger than ``--max-bytes`` (an .npz bomb: 2 MB declaring 2 GiB),
values that would fail at save (``--chance -1e308``, ``--sfreq 1e-320``,
mathtext that does not parse, frames too large for the format), and
argparse's own usage errors: one line each, exit code 2, no traceback.
"""

import io
import os
import struct
import subprocess
import sys
import textwrap
import tracemalloc
import zlib

import mne
import numpy as np
import pytest
from conftest import assert_one_line_error, make_info, run

FAST = ["--res", "32", "--dpi", "40", "--quiet"]
N_CH = 16
BOMB_SHAPE = (2**28,)  # float64: 2 GiB of zeros, deflated to 2 MB
CRC_POLY = 0xEDB88320  # zlib's CRC-32, bits reversed


@pytest.fixture
def info_file(tmp_path):
    info = make_info("biosemi64", n_channels=N_CH)
    mne.io.write_info(tmp_path / "s-info.fif", info)
    return tmp_path / "s-info.fif"


# -- an .npz bomb, built in a fraction of a second ------------------------------


def _crc32_zeros(n_bytes, crc):
    """``zlib.crc32(bytes(n_bytes), crc)`` without the bytes.

    Feeding a zero bit to the CRC register is a linear map over GF(2)
    (a 32 x 32 bit matrix, one int per column); n zero bytes apply it
    8 n times, computed by repeated squaring.
    """

    def apply(columns, vector):
        out, bit = 0, 0
        while vector:
            if vector & 1:
                out ^= columns[bit]
            vector >>= 1
            bit += 1
        return out

    # bit 0 goes out xoring the polynomial; bit k moves to bit k - 1
    power = [CRC_POLY] + [1 << (k - 1) for k in range(1, 32)]
    state, n_bits = crc ^ 0xFFFFFFFF, 8 * n_bytes
    while n_bits:
        if n_bits & 1:
            state = apply(power, state)
        power = [apply(power, column) for column in power]
        n_bits >>= 1
    return state ^ 0xFFFFFFFF


def test_crc32_of_zeros_is_zlibs():
    for n_bytes in (0, 1, 7, 4096, 12345):
        for crc in (0, 0xDEADBEEF):
            assert _crc32_zeros(n_bytes, crc) == zlib.crc32(bytes(n_bytes), crc)


def npz_bomb(path, shape=BOMB_SHAPE, name="coefs"):
    """Write a valid .npz whose one float64 array of zeros has ``shape``.

    Deflate with a full flush after each MiB of zeros restarts from a clean
    state, so every MiB compresses to the same bytes: the member is that
    block repeated (no gigabytes compressed), with its true CRC and sizes.
    """
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": shape}
    )
    header = header.getvalue()
    n_zeros, chunk = int(np.prod(shape)) * 8, 2**20
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as zip
    head = packer.compress(header) + packer.flush(zlib.Z_FULL_FLUSH)
    block = packer.compress(bytes(chunk)) + packer.flush(zlib.Z_FULL_FLUSH)
    data = head + block * (n_zeros // chunk) + packer.flush()
    crc = _crc32_zeros(n_zeros, zlib.crc32(header))
    size, member = len(header) + n_zeros, f"{name}.npy".encode()
    fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(member), 0)
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields) + member
    central = struct.pack("<4sH", b"PK\x01\x02", 20) + struct.pack(
        "<HHHHHIIIHHHHHII", *fields, 0, 0, 0, 0, 0
    )
    central += member
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                      len(local) + len(data), 0)  # fmt: skip
    path.write_bytes(local + data + central + end)
    return path


def test_the_bomb_is_a_valid_archive(tmp_path):
    small = npz_bomb(tmp_path / "small.npz", shape=(2**17,))  # 1 MiB: readable
    with np.load(small) as archive:  # zipfile checks sizes and CRC at the end
        values = archive["coefs"]
    assert values.shape == (2**17,) and not values.any()
    bomb = npz_bomb(tmp_path / "bomb.npz")
    assert bomb.stat().st_size < 2.5e6  # 2 MB on disk, 2 GiB declared


# -- arrays larger than --max-bytes ----------------------------------------------


BOMB_ERROR = (
    "array 'coefs' of '{path}' declares an array of shape (268435456,) and dtype "
    "float64 (2.0 GiB), more than the limit of 1.0 GiB an input array may take "
    "(--max-bytes); if you mean to read it, raise the limit, e.g. --max-bytes 2G."
)


def test_npz_bomb_refused_from_its_header(tmp_path, capsys, info_file, rng):
    bomb = npz_bomb(tmp_path / "bomb.npz")
    tracemalloc.start()
    try:
        code, _, err = run(capsys, "render", bomb, "--info", info_file, "-o",
                           tmp_path / "out.gif", *FAST)  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_one_line_error(code, err, BOMB_ERROR.format(path=bomb))
    assert peak < 200e6, peak  # Python's and numpy's allocations
    # as the scores: refused too, before the coefficients are read
    np.save(tmp_path / "coefs.npy", rng.standard_normal((3, N_CH)))
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--info", info_file,
                       "--scores", bomb, "-o", tmp_path / "out.gif", *FAST)  # fmt: skip
    assert_one_line_error(code, err, "--max-bytes")
    assert not (tmp_path / "out.gif").exists()


@pytest.mark.slow
def test_npz_bomb_peak_memory_of_the_command(tmp_path):
    """The whole command's peak memory, in a process of its own.

    Read as the kernel's high-water mark of the process' resident memory
    (``VmHWM``; ``ru_maxrss`` would carry over the forking parent's).
    """
    if not os.path.exists("/proc/self/status"):
        pytest.skip("needs Linux's /proc/self/status")
    bomb = npz_bomb(tmp_path / "bomb.npz")
    script = textwrap.dedent(f"""
        import re, sys, time
        from mne_coefanim.cli._main import main
        start = time.perf_counter()
        code = main([{str(bomb)!r}, "--montage", "biosemi64", "--ch-names",
                     "Fp1,AF7,AF3,F1", "-o", {str(tmp_path / "o.gif")!r}])
        took = time.perf_counter() - start
        with open("/proc/self/status") as status:
            peak = int(re.search(r"VmHWM:\\s*(\\d+) kB", status.read()).group(1))
        print(code, peak * 1024, took)
    """).replace("main([", "main(['render', ")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script], capture_output=True,
                            text=True, timeout=120, check=True)  # fmt: skip
    code, peak, took = result.stdout.split()
    assert int(code) == 2 and "--max-bytes" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert int(peak) < 200e6, int(peak) / 1e6  # MNE and numpy imported: ~60 MB
    print(f"bomb refused in {float(took):.3f} s at {int(peak) / 1e6:.0f} MB peak")


def test_max_bytes_is_settable(tmp_path, capsys, spy, info_file, rng):
    coefs = rng.standard_normal((4, N_CH))  # 512 bytes of data
    np.save(tmp_path / "coefs.npy", coefs)
    argv = ["render", tmp_path / "coefs.npy", "--info", info_file, *FAST]
    code, _, err = run(capsys, *argv, "-o", tmp_path / "a.gif", "--max-bytes", "511")
    assert_one_line_error(code, err, "shape (4, 16) and dtype float64 (512 bytes), "
                          "more than the limit of 511 bytes")  # fmt: skip
    for limit in ("1K", "none"):
        out = tmp_path / f"{limit}.gif"
        code, _, err = run(capsys, *argv, "-o", out, "--max-bytes", limit)
        assert code == 0, err
        assert out.exists()
    np.testing.assert_allclose(spy[-1].data.data, coefs)
    code, _, err = run(capsys, *argv, "-o", tmp_path / "b.gif", "--max-bytes", "lots")
    assert_one_line_error(code, err, "argument --max-bytes: expected a size such as "
                          "500M, 2G or 4096 (bytes), or none, got 'lots'")  # fmt: skip


# -- argparse's errors: one line, with a --help hint ---------------------------


@pytest.mark.parametrize(
    "argv, match",
    [
        ([], "the following arguments are required: COMMAND (see 'mne-coefanim "
             "--help')"),
        (["draw"], "argument COMMAND: invalid choice: 'draw'"),
        (["render"], "the following arguments are required: -o/--output (see "
                     "'mne-coefanim render --help')"),
        (["render", "x.npy", "-o", "x.gif", "--fps", "0"],
         "argument --fps: must be > 0, got '0' (see 'mne-coefanim render --help')"),
        (["render", "x.npy", "-o", "x.gif", "--transform", "log"],
         "argument --transform: invalid choice: 'log'"),
        (["render", "x.npy", "-o", "x.gif", "--bogus"], "unrecognized arguments: "
                                                         "--bogus"),
        (["render", "x.npy", "-o", "x.gif", "--panel", "nofile"],
         "argument --panel: expected TITLE=FILE"),
        (["demo", "-o", "x.gif", "--subjects", "0"],
         "argument --subjects: must be >= 1, got 0 (see 'mne-coefanim demo --help')"),
        (["render", "x.npy", "-o", "x.gif", "--chance=-1e308"],
         "argument --chance: must be within +-1e+100, as scores are, got '-1e308'"),
        (["render", "x.npy", "-o", "x.gif", "--sfreq", "1e-320"],
         "argument --sfreq: must be a sampling frequency in Hz with a finite "
         "period 1/HZ, got '1e-320'"),
        (["render", "x.npy", "-o", "x.gif", "--sfreq", "nan"],
         "argument --sfreq: must be finite, got 'nan'"),
    ],
)  # fmt: skip
def test_usage_errors_are_one_line(capsys, argv, match):
    code, out, err = run(capsys, *argv)
    assert_one_line_error(code, err, match)
    assert "usage:" not in err and out == ""


def test_help_still_prints_usage(capsys):
    code, out, _ = run(capsys, "render", "--help")
    assert code == 0
    assert out.startswith("usage: mne-coefanim render")


# -- --panel TITLE=FILE at the last '=' ------------------------------------------


def test_panel_titles_may_hold_equals(tmp_path, capsys, spy, info_file, rng):
    for name in ("a", "b"):
        np.save(tmp_path / f"{name}.npy", rng.standard_normal((3, N_CH)))
    code, _, err = run(capsys, "render", "--panel", f"C=0.01={tmp_path / 'a.npy'}",
                       "--panel", f"C = 1 = {tmp_path / 'b.npy'}", "--info",
                       info_file, "-o", tmp_path / "out.gif", *FAST)  # fmt: skip
    assert code == 0, err
    assert list(spy[0].data) == ["C=0.01", "C = 1"]


# -- late errors, now at the call: one line naming the option ----------------------


@pytest.mark.parametrize(
    "options, match",
    [
        (["--units", r"$\foo$"], r"error: --units '$\\foo$' cannot be drawn: "
                                 "matplotlib reads text between $ signs as mathtext"),
        (["--title", "$x^$"], "error: --title '$x^$' cannot be drawn"),
        (["--scores", "SCORES", "--score-label", "$x^$"],
         "error: --score-label '$x^$' cannot be drawn"),
        (["--panel-title", r"$\x$"], r"error: --panel title '$\\x$' cannot be drawn"),
        (["--sfreq", "1e-308", "--first-time", "0"],
         "--sfreq 1e-308 Hz with --tmin 0.0 s gives times that are not finite"),
    ],
)  # fmt: skip
def test_late_errors_come_first_in_one_line(tmp_path, capsys, info_file, rng,
                                            options, match):  # fmt: skip
    np.save(tmp_path / "coefs.npy", rng.standard_normal((3, N_CH)))
    np.save(tmp_path / "scores.npy", rng.uniform(0.4, 0.9, (5, 3)))
    coefs = [str(tmp_path / "coefs.npy")]
    if options[0] == "--panel-title":
        coefs = ["--panel", f"{options[1]}={coefs[0]}"]
        options = []
    options = [str(tmp_path / "scores.npy") if o == "SCORES" else o for o in options]
    out = tmp_path / "out.gif"
    code, _, err = run(capsys, "render", *coefs, "--info", info_file, *options,
                       "-o", out, *FAST)  # fmt: skip
    assert_one_line_error(code, err, match)
    assert not out.exists()


def test_frames_too_large_for_mp4_refused_before_rendering(tmp_path, capsys,
                                                           monkeypatch, info_file,
                                                           rng):  # fmt: skip
    pytest.importorskip("imageio_ffmpeg")
    from mne_coefanim._animation import CoefAnimation

    def refuse(*args, **kwargs):
        raise AssertionError("a frame was rendered before the error")

    monkeypatch.setattr(CoefAnimation, "_frames", refuse)
    panels = []
    for k in range(4):
        np.save(tmp_path / f"{k}.npy", rng.standard_normal((2, N_CH)))
        panels += ["--panel", f"p{k}={tmp_path / f'{k}.npy'}"]
    code, _, err = run(capsys, "render", *panels, "--info", info_file, "-o",
                       tmp_path / "out.mp4", "--res", "8", "--dpi", "1000",
                       "--quiet")  # fmt: skip
    assert_one_line_error(code, err, "--dpi 1000 makes frames of 16,510 x 4,550 px, "
                          "too large: the libx264 encoder (.mp4) takes frames of at "
                          "most 16,384 px per side. To fit, lower dpi to 992 or "
                          "less")  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".mp4") == []


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_max_bytes_reads_every_header_version(tmp_path, capsys, info_file, version):
    coefs = np.zeros((4, N_CH), dtype=[("é", "<f8")])  # field names need 3.0
    with open(tmp_path / "coefs.npy", "wb") as fid:
        np.lib.format.write_array(fid, coefs, version=version)
    code, _, err = run(capsys, "render", tmp_path / "coefs.npy", "--info",
                       info_file, "-o", tmp_path / "a.gif", "--max-bytes", "511",
                       *FAST)  # fmt: skip
    assert_one_line_error(code, err, "(512 bytes), more than the limit of 511 bytes")
