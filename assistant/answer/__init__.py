"""Answers: one handler per intent turns a Case ask into a conclusion with its evidence."""
