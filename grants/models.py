# Funds, calls, proposals, reviews and awards arrive with the issues that build them.
