"""Doc-string entries shared by every pruner (templates of :func:`skprune._meta.fill_doc`)."""

from .._meta import fill_doc

RETRAIN_PARAMETERS_DOC = """\
    retrain_iter : int or "auto", default="auto"
        Epochs (iterations for lbfgs) of masked retraining after each round.
        "auto" retrains each round as the network's own ``fit`` would train
        it (warm-started, up to ``max_iter`` with its ``tol`` and
        ``n_iter_no_change``).

    retrain_learning_rate : float, default=None
        The learning rate of the stochastic solvers' retraining (for these
        rounds only; the network keeps its ``learning_rate_init``). None
        retrains at ``learning_rate_init``. A short retraining needs a larger
        rate than the end of training had: on Digits, 15 epochs of Adam at
        0.001 recover little of what 98% sparsity lost, at 0.01 most of it
        (see the user guide, "How many rounds, how much retraining").

"""


_PER_LAYER_DOC = """Fraction of connection weights removed at the end: over all
layers, or, as a list, in each layer (first layer first), as papers
on LeNet-300-100 give them."""


REWIND_DOC = """\
    rewind : None, "init", "lr" or int, default=None
        Where each retraining starts. None: from the pruned weights
        (fine-tuning). "init": the kept weights go back to their values
        before the dense training, the lottery ticket of Frankle & Carbin
        (2019); an int ``k``: to their values after epoch (L-BFGS iteration)
        ``k`` of it (Frankle et al. 2020). "lr": the weights stay, and the
        learning-rate schedule restarts (Renda et al. 2020). A rewound
        retraining starts a fresh optimiser with its schedule at the rewound
        point, and needs ``prefit=False`` (except "lr"); it suits
        ``retrain_iter="auto"``, a full training as in the papers.

    distill : float in [0, 1], default=0.0
        Weight of knowledge distillation in retraining (Hinton, Vinyals &
        Dean 2015): the network before pruning is the teacher, and the
        retraining loss is ``(1 - distill)`` of the network's own plus
        ``distill`` of :math:`T^2 \\, \\mathrm{KL}(q_T \\, \\Vert \\, p_T)` (classifiers:
        teacher :math:`q` and network :math:`p` at temperature :math:`T`) or of
        the squared error to the teacher's outputs (regressors). 0 turns it
        off.

    distill_temperature : float, default=2.0
        The temperature ``T`` at which teacher and network outputs are
        compared (classifiers).
"""


_PARAMETERS_TEMPLATE = """
    estimator : PrunableMLPClassifier, PrunableMLPRegressor, MLPClassifier or \
MLPRegressor, default=None
        The network to train and prune; None means ``PrunableMLPClassifier()``.
        A scikit-learn MLP is converted.

    sparsity : ${sparsity_type}, default=0.5
        ${sparsity}

    n_steps : int or "auto", default="auto"
        Number of prune -> retrain rounds. "auto" is one round per halving of
        what is kept (:func:`~skprune.pruning.halving_rounds`): one round up
        to 50%, four to 90%, five to 95%, six to 98%. Pruning faster than that
        loses accuracy that retraining does not recover (on Digits at 95%, OBD
        keeps 0.86 in one round and 0.97 in five). Without retraining
        (``retrain_iter=0``) "auto" is one round: one-shot pruning.

    schedule : {"cubic", "linear", "geometric"}, default="cubic"
        Sparsity reached after each round, see
        :func:`~skprune.pruning.sparsity_schedule`.

${retrain}    prefit : bool, default=False
        Prune a copy of an already fitted ``estimator`` instead of fitting it.

    memory : str or joblib.Memory, default=None
        Cache of the dense fit, so that a search over ``sparsity`` trains each
        dense network once.

    random_state : int, RandomState instance or None, default=None
        Seeds the estimator when it has no ``random_state`` of its own, and
        the criterion's own draws (sample subsets, random scores).

    verbose : int, default=0
        1 prints one line per round (scores, the round's time and the total);
        2 also a line as each round starts pruning and as it starts retraining.

    compact : bool, default=False
        Delete the hidden units left dead by pruning from ``estimator_``
        (see :meth:`PrunableMLPClassifier.compact`): a smaller, faster network
        with the same predictions.

${rewind}"""


def pruner_parameters_doc(sparsity=_PER_LAYER_DOC, sparsity_type="float in [0, 1) or list of float"):
    """The numpydoc entries of the parameters every pruner shares."""
    return fill_doc(_PARAMETERS_TEMPLATE, sparsity=sparsity, sparsity_type=sparsity_type,
                    retrain=RETRAIN_PARAMETERS_DOC, rewind=REWIND_DOC)


_ATTRIBUTES_TEMPLATE = """
    estimator_ : PrunableMLPClassifier or PrunableMLPRegressor
        The pruned network.

    history_ : dict of lists
        One entry per round (entry 0 is the network before pruning):
        ``step``, ``sparsity`` (as ``sparsity_``), ``n_nonzero_params``,
        ``loss`` (training loss without penalty), ``train_score`` and
        ``time`` (seconds since pruning started).

    sparsity_ : float
        Fraction of the connection weights of the network before pruning that
        were removed: set to zero, or deleted with their unit or input. The
        same measure in every pruner; equal to ``estimator_.sparsity_`` while
        the network keeps its shape (not after unit removal or ``compact``,
        where ``estimator_.sparsity_`` counts the zeros of the smaller network).
${level}
    classes_ : ndarray
        Class labels (classifiers only).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray
        Names of features seen during fit, when they are all strings.
"""


def pruner_attributes_doc(level=""):
    """The numpydoc entries of the fitted attributes every pruner shares;
    ``level`` documents the attribute of a pruner whose ``sparsity`` counts
    something other than weights."""
    return fill_doc(_ATTRIBUTES_TEMPLATE, level=level)


UNIT_SPARSITY_DOC = """
    unit_sparsity_ : float
        Fraction of the selected layers' hidden units removed: the measure of
        the ``sparsity`` parameter (also a column of ``history_``).
"""


FEATURE_SPARSITY_DOC = """
    feature_sparsity_ : float
        Fraction of the input features removed (also a column of ``history_``).
"""
