"""The solvers' training loops of the prunable MLPs: L-BFGS, and the
stochastic solvers' epochs with the state of their stopping rule and early
stopping's validation split."""

import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from .._core.network import free_parameter_mask
from .._training.epochs import TrainingState, run_epochs
from .._training.loops import run_lbfgs
from .._training.optimizers import optimizer_for


class SolverLoopsMixin:
    """Runs ``solver`` on a network held in a flat parameter vector and keeps
    the fitted state (``n_iter_``, ``loss_curve_``, the optimiser, ...) on the
    estimator; :meth:`_BasePrunableMLP._fit_unsafe` calls it after validation
    and initialisation."""

    def _fit_lbfgs(self, network, params, X, Y, sample_weight, callbacks=()):
        # every iteration reads all rows: take the read columns once
        X, network.inputs = network.read(X), None
        result = run_lbfgs(
            network, params, X, Y, sample_weight, self.alpha,
            max_iter=self.max_iter, max_fun=self.max_fun, tol=self.tol,
            verbose=bool(self.verbose), callbacks=callbacks, model=self,
        )
        if not result.success:
            message = result.message
            if isinstance(message, bytes):
                message = message.decode("latin1")
            warnings.warn(
                f"lbfgs failed to converge after {result.nit} iteration(s) "
                f"(status={result.status}): {message}. Increase the number of "
                "iterations (max_iter) or scale the data.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.n_iter_ = min(result.nit, self.max_iter)
        self.loss_ = float(result.fun)

    def _fit_stochastic(self, network, params, X, Y, sample_weight, incremental, n_epochs=1, callbacks=()):
        """The epochs of sgd / adam: ``max_iter`` of them with the stopping rule,
        or, ``incremental``, ``n_epochs`` as that many ``partial_fit`` calls."""
        if self.early_stopping and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        dtype = params.vector.dtype
        optimizer = optimizer_for(  # partial_fit continues the previous state
            self.solver, params.vector.size, dtype, self.get_params(),
            getattr(self, "_optimizer", None) if incremental else None,
        )
        keep = free_parameter_mask(network, params)
        if keep is not None:
            optimizer.reset_masked(keep.astype(dtype))
        self._optimizer = optimizer

        state = self._training_state()
        if not incremental:
            # Every call to fit runs its own stopping rule. Carried over from a
            # previous fit (scikit-learn's behaviour), a warm start after the
            # weights changed -- by pruning, say -- would stop after one epoch.
            state.restart_stopping_rule(self.early_stopping)
        validation_score = None
        if self.early_stopping:
            X, Y, sample_weight, validation_score = self._validation_split(X, Y, sample_weight)

        n_samples = X.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than "
                    "sample size. It is going to be clipped"
                )
            batch_size = int(np.clip(self.batch_size, 1, n_samples))
        try:
            run_epochs(
                network, params, optimizer, state, X, Y, sample_weight,
                alpha=self.alpha, batch_size=batch_size,
                n_epochs=n_epochs if incremental else self.max_iter,
                tol=self.tol, n_iter_no_change=self.n_iter_no_change,
                random_state=self._random_state if self.shuffle else None,
                validation_score=validation_score, incremental=incremental,
                verbose=bool(self.verbose), callbacks=callbacks, model=self,
            )
        finally:
            self._store_training_state(state)

    def _training_state(self):
        """The stochastic solver's fitted state (fresh after lbfgs or a first fit)."""
        if getattr(self, "loss_curve_", None) is None:  # e.g. a warm start after lbfgs
            return TrainingState(self.n_iter_, self.t_, [], 0, np.inf, None, None)
        # a state set by hand (as scikit-learn's own tests build one) may lack
        # the early-stopping attributes
        return TrainingState(
            self.n_iter_, self.t_, self.loss_curve_, getattr(self, "_no_improvement_count", 0),
            getattr(self, "best_loss_", np.inf), getattr(self, "validation_scores_", None),
            getattr(self, "best_validation_score_", None), getattr(self, "loss_", None),
        )

    def _store_training_state(self, state):
        self.n_iter_, self.t_, self.loss_ = state.n_iter, state.t, state.loss
        self.loss_curve_ = state.loss_curve
        self._no_improvement_count = state.no_improvement_count
        self.best_loss_ = state.best_loss
        self.validation_scores_ = state.validation_scores
        self.best_validation_score_ = state.best_validation_score

    def _validation_split(self, X, Y, sample_weight):
        """Training part of the data and the validation score of early stopping."""
        stratify = Y if is_classifier(self) and self.n_outputs_ == 1 else None
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        split = train_test_split(
            *arrays,
            random_state=self._random_state,
            test_size=self.validation_fraction,
            stratify=stratify,
        )
        X_train, X_val, Y_train, Y_val = split[:4]
        sw_train, sw_val = split[4:] if sample_weight is not None else (None, None)
        if X_val.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' "
                "or the size of your dataset."
            )
        y_val = self._decode_targets(Y_val)

        def validation_score():
            return self._score(X_val, y_val, sample_weight=sw_val)

        return X_train, Y_train, sw_train, validation_score
