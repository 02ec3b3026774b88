"""Exercises: checks, graded hints, feedback on known misconceptions, progress, instructor tools."""
