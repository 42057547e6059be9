"""Child process running one SMT-LIB script through z3 or cvc5 (``python -m`` this module).

Usage: ``python -m ermbit.export._smt_child z3|cvc5 MILLISECONDS < script``; prints what
the solver prints for the script's commands.  Run in a child so a time limit can kill it.
"""

from __future__ import annotations

import sys
import time


def _z3(text: str, ms: int) -> str:
    import z3

    z3.set_param("timeout", ms)
    ctx = z3.Context()
    # one context keeps the script's state between calls: ask for the model only after
    # "sat" (z3 raises on get-model after unsat)
    head, sep, tail = text.rpartition("(check-sat)")
    if not sep:
        return str(z3.Z3_eval_smtlib2_string(ctx.ref(), text))
    z3.Z3_eval_smtlib2_string(ctx.ref(), head)
    status = str(z3.Z3_eval_smtlib2_string(ctx.ref(), sep)).strip()
    if status != "sat":
        return status + "\n"
    return status + "\n" + str(z3.Z3_eval_smtlib2_string(ctx.ref(), tail))


def _cvc5(text: str, ms: int) -> str:
    import cvc5

    tm = cvc5.TermManager()
    solver = cvc5.Solver(tm)
    solver.setOption("tlimit-per", str(ms))
    symbols = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(solver, symbols)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "script")
    out = []
    while True:
        cmd = parser.nextCommand()
        if cmd.isNull():
            break
        out.append(str(cmd.invoke(solver, symbols)))
    return "".join(out)


def main() -> None:
    solver, ms = sys.argv[1], int(sys.argv[2])
    text = sys.stdin.read()
    start = time.perf_counter()
    out = (_z3 if solver == "z3" else _cvc5)(text, ms)
    sys.stderr.write(f"ermbit-seconds: {time.perf_counter() - start}\n")
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
