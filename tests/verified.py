"""One assertion for "the verifier checked this and it held", shared by the tests.

``report.passed`` alone would also be true of a report whose claim was never checked if
the verifier's rules ever loosened; the tests name the claim's status explicitly, so a
claim refused by a budget or left without its oracle fails the test instead of passing it.
"""

from __future__ import annotations

from ermbit.checking.verifier import VerificationReport


def assert_verified(report: VerificationReport) -> None:
    """Fail unless the claim was checked and held, and every other check passed."""
    assert report.claim_status == "passed", report.to_json()
    assert report.status == "passed" and report.passed, report.to_json()


def assert_caught(report: VerificationReport) -> None:
    """Fail unless some check was made and found false (refused or unchecked is not enough)."""
    assert report.status == "failed" and report.failures, report.to_json()
