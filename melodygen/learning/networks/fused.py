"""Fused operations for the fast recipe's training step: an LSTM over a whole sequence and
Adam, each a few of TensorFlow's ops instead of hundreds.

A training step of 나비야 is little arithmetic (a 128-unit LSTM, one song at batch 1) in many
small ops, and TensorFlow spends more time handing out the ops, and tracing them once, than
computing them. ``lstm_states`` runs a Keras LSTM's equations over a whole sequence with
TensorFlow's fused kernel forwards (``BlockLSTMV2``: one op for the song, 2 ms) and a written-out
backward pass (one loop that carries only the two state gradients, four steps an iteration; the
weights' gradients as one matrix product each after it): a stateful LSTM's step takes a
quarter of the time of Keras's own loop. ``FusedAdam`` is Keras's Adam with its per-weight
gradient clipping, one ``ResourceApplyAdam`` op per weight (Keras's own ``apply`` was 40% of
the tracing of a step).
``tests/learning/test_fused.py`` checks both against Keras's LSTM and Adam.

Model code only: no files, no state beyond the optimizer's moments.
"""

from __future__ import annotations

import keras
import tensorflow as tf

STEPS_PER_ITERATION = 4  # backward steps written out per loop iteration (fewer iterations to run)


@tf.custom_gradient
def lstm_states(inputs, kernel, recurrent_kernel, bias):
    """The hidden state after every step of ``inputs`` (steps, batch, features; a shape known
    when traced), from a zero state: (steps, batch, units). ``kernel`` (features, 4 units),
    ``recurrent_kernel`` (units, 4 units) and ``bias`` (4 units,) are a Keras LSTM cell's
    weights, as tensors."""
    steps, batch, features = inputs.shape
    units = recurrent_kernel.shape[0]
    zeros = tf.zeros((batch, units))
    no_peephole = tf.zeros((units,))
    i, c, f, o, ci, co, h = tf.raw_ops.BlockLSTMV2(
        seq_len_max=tf.constant(steps, tf.int64), x=inputs, cs_prev=zeros, h_prev=zeros,
        w=tf.concat([kernel, recurrent_kernel], 0), wci=no_peephole, wcf=no_peephole,
        wco=no_peephole, b=bias, cell_clip=0.0, use_peephole=False)
    # i, f, o: the gates; ci: the cell's new input; c: the cell; co = tanh(c); h = o * co

    def gradient(d_states):
        """d_states (steps, batch, units) -> the gradients of inputs, kernel, recurrent
        kernel and bias. Going back from the last step, with dh and dc the gradients of a
        step's hidden state and cell:
            dh  = d_states[t] + dz[t+1] @ recurrent_kernel.T
            dc  = dc[t+1] * f[t+1] + dh * o * (1 - co²)
            dz  = (dc * ci * i(1-i), dc * c[t-1] * f(1-f), dc * i * (1-ci²), dh * co * o(1-o))
        where dz is the gradient of the gates' sums before their activations."""
        d_states = tf.convert_to_tensor(d_states)  # a gather's gradient comes as IndexedSlices
        c_before = tf.concat([zeros[None], c[:-1]], 0)
        # everything a step needs, side by side: (steps, batch, 7 units)
        per_step = tf.concat([d_states, o * (1 - co * co), f, ci * i * (1 - i),
                              c_before * f * (1 - f), i * (1 - ci * ci), co * o * (1 - o)], -1)
        n = STEPS_PER_ITERATION
        iterations = (steps + n - 1) // n
        # steps added at the end are all zeros: they pass zero gradients back
        per_step = tf.pad(per_step, [[0, iterations * n - steps], [0, 0], [0, 0]])
        per_step = tf.reshape(per_step, (iterations, n, batch, 7 * units))
        sizes = [units, units, units, 4 * units]
        recurrent_t = tf.transpose(recurrent_kernel)

        def back(k, dh_after, dc_after, d_gates):
            rows = tf.unstack(per_step[k], n)
            dz = [None] * n
            for j in reversed(range(n)):
                d_state, cell_slope, forget, gate_slopes = tf.split(rows[j], sizes, axis=-1)
                dh = d_state + dh_after
                dc = dc_after + dh * cell_slope
                dz[j] = tf.concat([dc, dc, dc, dh], -1) * gate_slopes
                dh_after, dc_after = tf.matmul(dz[j], recurrent_t), dc * forget
            return k - 1, dh_after, dc_after, d_gates.write(k, tf.stack(dz))

        # one step after the other: no overlapping iterations, so same inputs, same bytes
        _, _, _, d_gates = tf.while_loop(
            lambda k, *_: k >= 0, back,
            (iterations - 1, zeros, zeros, tf.TensorArray(tf.float32, size=iterations)),
            parallel_iterations=1)
        dz = tf.reshape(d_gates.stack(), (iterations * n, batch, 4 * units))[:steps]
        flat_dz = tf.reshape(dz, (-1, 4 * units))
        h_before = tf.reshape(tf.concat([zeros[None], h[:-1]], 0), (-1, units))
        flat_inputs = tf.reshape(inputs, (-1, features))
        return (tf.einsum("tbg,fg->tbf", dz, kernel),
                tf.matmul(flat_inputs, flat_dz, transpose_a=True),
                tf.matmul(h_before, flat_dz, transpose_a=True),
                tf.reduce_sum(flat_dz, 0))

    return h, gradient


def window_forward(model: keras.Model, windows: tf.Tensor):
    """A function computing ``model``'s probabilities for ``windows`` (samples, window,
    features), for training: (samples, classes), through ``lstm_states``.

    A model without state reads each window from a zero state. A stateful model reads the
    windows one after the other with its state carried across (the song's windows end to end,
    one sequence at batch 1), the way it predicts after ``models.reset_state``."""
    lstm, dense = model.layers
    cell = lstm.cell
    samples, window, features = windows.shape

    def weights():
        return (tf.convert_to_tensor(cell.kernel), tf.convert_to_tensor(cell.recurrent_kernel),
                tf.convert_to_tensor(cell.bias))

    if lstm.stateful:
        song = tf.reshape(windows, (samples * window, 1, features))
        last_steps = tf.range(window - 1, samples * window, window)
        return lambda: dense(tf.gather(lstm_states(song, *weights())[:, 0], last_steps))
    steps_first = tf.transpose(windows, (1, 0, 2))  # (window, samples, features)
    return lambda: dense(lstm_states(steps_first, *weights())[-1])


class FusedAdam:
    """Adam as Keras computes it (``keras.optimizers.Adam(rate, clipnorm=clip_norm)``: each
    weight's gradient clipped to the norm ``clip_norm``, then its moments and the weight
    updated with the bias-corrected rate), one ``ResourceApplyAdam`` op per weight.

    ``apply(gradients, rate)`` takes the rate as a tensor: a rate of 0 leaves the weights as
    they are (the fast recipe's way to keep the weights of the epoch that reached its target).
    """

    def __init__(self, variables, clip_norm: float | None, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7) -> None:
        self.variables = list(variables)
        self.clip_norm = clip_norm
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.moments = [(tf.Variable(tf.zeros(v.shape, v.dtype), trainable=False),
                         tf.Variable(tf.zeros(v.shape, v.dtype), trainable=False))
                        for v in self.variables]
        self.iterations = tf.Variable(0.0, trainable=False)

    def apply(self, gradients, rate) -> None:
        step = self.iterations.assign_add(1.0)
        beta_1_power, beta_2_power = self.beta_1 ** step, self.beta_2 ** step
        for variable, (m, v), gradient in zip(self.variables, self.moments, gradients):
            if self.clip_norm:
                gradient = tf.clip_by_norm(gradient, self.clip_norm)
            tf.raw_ops.ResourceApplyAdam(
                var=variable.handle, m=m.handle, v=v.handle, beta1_power=beta_1_power,
                beta2_power=beta_2_power, lr=rate, beta1=self.beta_1, beta2=self.beta_2,
                epsilon=self.epsilon, grad=gradient)
