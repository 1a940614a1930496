"""A model of a collection of tunes, its style: each tune as note events (``events``: the one
place that says what the model reads), the collection made ready (``data``), the network
(``network``), its training with early stopping and resume (``training``), on several workers
(``distributed``), its predictions and the model writing a new tune (``predict``), and the
trained model that is saved (``model``).
"""
