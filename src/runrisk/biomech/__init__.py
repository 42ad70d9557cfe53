"""Stance-phase biomechanics of one trial: conventions, filtering, stances, strike index, peaks."""
