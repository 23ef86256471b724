"""Parameter and attribute documentation shared by the two networks."""

COMMON_PARAMETERS_DOC = """
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of units in the ith hidden layer.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function of the hidden layers.

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        Weight optimiser: L-BFGS-B, stochastic gradient descent (with momentum
        or Nesterov momentum) or Adam. All three keep pruned weights at zero.

    alpha : float, default=0.0001
        Strength of the L2 penalty, divided by the (weighted) number of samples.

    batch_size : int, default='auto'
        Mini-batch size of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Step-size schedule of ``solver='sgd'``.

    learning_rate_init : float, default=0.001
        Initial step size of the stochastic solvers.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs (stochastic solvers) or iterations (lbfgs).

    shuffle : bool, default=True
        Whether to shuffle the samples in each epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the early-stopping
        split.

    tol : float, default=1e-4
        Tolerance of the stopping rule.

    verbose : bool, default=False
        Print the loss of every epoch.

    warm_start : bool, default=False
        Start from the previous solution, keeping its masks. Unlike
        scikit-learn's MLP, each call to ``fit`` starts its own stopping rule
        (no-improvement count, best loss or validation score), so a warm start
        after pruning trains instead of stopping at once.

    momentum : float, default=0.9
        Momentum of ``solver='sgd'``.

    nesterovs_momentum : bool, default=True
        Use Nesterov's momentum with ``solver='sgd'``.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and stop when its score
        stops improving; the best weights are kept.

    validation_fraction : float, default=0.1
        Fraction of the training data held out for early stopping.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's moment estimates.

    epsilon : float, default=1e-8
        Numerical stability term of Adam.

    n_iter_no_change : int, default=10
        Epochs without ``tol`` improvement before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of ``solver='lbfgs'``.
"""

COMMON_ATTRIBUTES_DOC = """
    loss_ : float
        The current penalised loss.

    best_loss_ : float or None
        Lowest training loss reached by a stochastic solver (None with early
        stopping).

    loss_curve_ : list of float
        Loss of every epoch of a stochastic solver.

    validation_scores_ : list of float or None
        Validation score of every epoch with ``early_stopping=True``.

    best_validation_score_ : float or None
        Best validation score with ``early_stopping=True``.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrices; pruned weights are exactly 0.

    intercepts_ : list of ndarray of shape (fan_out,)
        Bias vectors.

    masks_ : list of bool ndarray shaped like ``coefs_``
        False marks a pruned connection. Editable in place: the next ``fit``
        (with ``warm_start=True``) or ``partial_fit`` zeroes the weights a mask
        removes and keeps them at zero.

    sparsity_ : float
        Fraction of connection weights pruned.

    n_params_ : int
        Number of weights and biases.

    n_nonzero_params_ : int
        Number of weights and biases that are not zero.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape ``(n_features_in_,)``
        Names of features seen during fit, when they are all strings.

    n_iter_ : int
        Number of iterations of the solver.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Name of the output activation.
"""
