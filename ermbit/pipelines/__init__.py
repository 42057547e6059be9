"""End-to-end chains: #SAT via exact gradients (Thm 1.3) and via ERM_bit answers
(Thm 1.1), SAT decided by training ReLU networks, the demo and the walkthroughs."""
