"""A model of one song, the lecture's experiment: the song's notes as classes of a vocabulary
(``vocabulary``), windows of them encoded as the lecture does (``encoding``), the presets
(``config``), the training recipes (``training``), the one-step and full-song predictions and
the model reading a new melody (``predict``), the whole comparison (``experiment``) and the
trained model that is saved (``model``).
"""
