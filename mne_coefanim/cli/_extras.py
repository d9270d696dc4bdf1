"""Decoding scores and significance masks on the command line.

The options of ``render`` that draw the score panel (``--scores``, ...) and
mark channels (``--mask``, ...), and how they become the keywords
``scores``, ``chance``, ``score_label``, ``scoring`` and ``mask`` of
:func:`mne_coefanim.animate_coefs`, which they name and mean. Files are read
as COEFS is (``_readers.load_array``): never unpickled, one line naming the
file for whatever is wrong with it.
"""

from ._readers import load_array
from ._types import (
    chance,
    finite_float,
    n_permutations,
    non_negative_int,
    probability,
    python_help,
)

MASK_METHODS = ("cluster", "fdr")
# the options of the test run by --mask cluster/fdr, and the keys of
# animate_coefs' mask dict they give (cluster-only ones flagged)
TEST_OPTIONS = {
    "--alpha": ("alpha", False),
    "--tail": ("tail", False),
    "--popmean": ("popmean", False),
    "--seed": ("seed", True),
    "--threshold": ("threshold", True),
    "--n-permutations": ("n_permutations", True),
}
SCORE_OPTIONS = (
    "--scores-key", "--chance", "--score-label", "--scoring", "--score-stats",
)  # fmt: skip


def add_score_options(sub):
    """Add the options of the score panel to the ``render`` parser."""
    group = sub.add_argument_group("decoding score (drawn under the map)")
    group.add_argument(
        "--scores",
        metavar="FILE",
        help=python_help("scores", default="none")
        + "; FILE is a .npy or .npz file of shape (n_times,), (n_samples, "
        "n_times) or (n_subjects, n_folds, n_times)",
    )
    group.add_argument(
        "--scores-key",
        metavar="KEY",
        help="the array of the scores in an .npz FILE (default: its only array)",
    )
    group.add_argument(
        "--scoring",
        metavar="NAME",
        help=python_help("scoring", default="none"),
    )
    group.add_argument(
        "--chance",
        type=chance,
        default="auto",
        metavar="{auto,none,NUMBER}",
        help=python_help("chance")
        + ": auto takes it from --scoring or --score-label (0.5 for roc_auc or "
        "AUC), none draws none",
    )
    group.add_argument(
        "--score-label",
        metavar="TEXT",
        help="the score axis label (default: the score's name when known, "
        "e.g. AUC, else Score)",
    )
    group.add_argument(
        "--score-stats",
        choices=("cluster", "fdr"),
        help=python_help("score_stats", default="none; alpha 0.05"),
    )


def add_mask_options(sub):
    """Add the options of the significance markers to the ``render`` parser."""
    group = sub.add_argument_group("significance mask (markers on channels)")
    group.add_argument(
        "--mask",
        metavar="{cluster,fdr,FILE}",
        help=python_help("mask", default="none")
        + ": cluster or fdr tests the subjects of COEFS (an array with a "
        "subjects axis) over all its times; FILE is a boolean .npy or .npz "
        "array of shape (n_times, n_channels)",
    )
    group.add_argument(
        "--mask-key",
        metavar="KEY",
        help="the array of the mask in an .npz FILE (default: its only array)",
    )
    group.add_argument(
        "--alpha",
        type=probability,
        metavar="P",
        help="significance level of --mask cluster or fdr (default: 0.05)",
    )
    group.add_argument(
        "--tail",
        type=int,
        choices=(-1, 0, 1),
        help="the test's tail: 0 two-sided, 1 greater, -1 less than 0 (default: 0)",
    )
    group.add_argument(
        "--popmean",
        type=finite_float,
        metavar="LEVEL",
        help="the maps' value without an effect, tested against by --mask cluster "
        "or fdr: for maps that are non-negative everywhere (e.g. np.abs), with "
        "--tail 1 (default: 0)",
    )
    group.add_argument(
        "--threshold",
        type=finite_float,
        metavar="T",
        help="cluster-forming threshold on the t values of --mask cluster "
        "(default: MNE's, the t of p < 0.05)",
    )
    group.add_argument(
        "--n-permutations",
        type=n_permutations,
        metavar="{N,all}",
        help="permutations of --mask cluster (default: 1024)",
    )
    group.add_argument(
        "--seed",
        type=non_negative_int,
        metavar="N",
        help="random seed of --mask cluster, for a reproducible mask (default: none)",
    )


def check_extras(args):
    """Refuse score and mask options that would do nothing; before any loading."""
    given = {option: _value(args, option) is not None for option in SCORE_OPTIONS}
    given["--chance"] = args.chance != "auto"
    for option in SCORE_OPTIONS:
        if given[option] and args.scores is None:
            raise ValueError(
                f"{option} needs --scores FILE; add it or remove {option}."
            )
    method = _mask_method(args.mask)
    if method is None and args.mask is not None:
        if not args.mask.lower().endswith((".npy", ".npz")):
            raise ValueError(
                f"--mask must be cluster, fdr or a boolean .npy or .npz file; "
                f"got {args.mask!r}."
            )
    if args.mask_key is not None and (args.mask is None or method is not None):
        raise ValueError(
            "--mask-key names the array of a --mask FILE (.npz); remove it."
        )
    for option, (_, cluster_only) in TEST_OPTIONS.items():
        if _value(args, option) is None:
            continue
        if method is None:
            raise ValueError(
                f"{option} sets the test of --mask cluster or --mask fdr; "
                f"{'a mask file is not tested' if args.mask else 'add --mask'}."
            )
        if cluster_only and method != "cluster":
            raise ValueError(f"{option} applies to --mask cluster only, not {method}.")


def check_extra_headers(args):
    """Check the headers of the --scores and --mask files, reading no data."""
    if args.scores is not None:
        load_array("--scores", args.scores, args.scores_key, "--scores-key",
                   max_bytes=args.max_bytes, read=False)  # fmt: skip
    if args.mask is not None and _mask_method(args.mask) is None:
        load_array("--mask", args.mask, args.mask_key, "--mask-key",
                   numeric="biuf", max_bytes=args.max_bytes, read=False)  # fmt: skip


def score_kwargs(args):
    """Return the score keywords of animate_coefs, the scores read from file."""
    scores = None
    if args.scores is not None:
        scores = load_array("--scores", args.scores, args.scores_key, "--scores-key",
                            max_bytes=args.max_bytes)  # fmt: skip
    return dict(
        scores=scores,
        chance=args.chance,
        score_label=args.score_label,
        scoring=args.scoring,
        score_stats=args.score_stats,
    )


def mask_kwargs(args):
    """Return animate_coefs' ``mask``: None, a method, a dict, or a boolean array."""
    if args.mask is None:
        return dict(mask=None)
    method = _mask_method(args.mask)
    if method is None:
        return dict(mask=_read_mask(args.mask, args.mask_key, args.max_bytes))
    settings = {
        key: _value(args, option)
        for option, (key, _) in TEST_OPTIONS.items()
        if _value(args, option) is not None
    }
    return dict(mask=dict(method=method, **settings) if settings else method)


def _mask_method(mask):
    if mask is None or mask.strip().lower() not in MASK_METHODS:
        return None
    return mask.strip().lower()


def _read_mask(fname, key, max_bytes):
    values = load_array("--mask", fname, key, "--mask-key", numeric="biuf",
                        max_bytes=max_bytes)  # fmt: skip
    if values.dtype.kind != "b":
        if values.size and not ((values == 0) | (values == 1)).all():
            raise ValueError(
                f"--mask {fname!r} must hold booleans (True/False, or 0/1); got "
                f"values of dtype {values.dtype} other than 0 and 1."
            )
        values = values.astype(bool)
    return values


def _value(args, option):
    return getattr(args, option.lstrip("-").replace("-", "_"))
