"""The employer's verifier: checks what learners share and explains it.

It plays the map's Employers and HR Systems.
"""
