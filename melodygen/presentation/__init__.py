"""Presentation: what a person looks at and listens to. Engraved scores (verovio), audio (a numpy
synthesizer), the loss plot, report.html, the typed summaries of a run and the files of a run.

Scores, audio, the plot and the report never import TensorFlow or Keras.
"""
