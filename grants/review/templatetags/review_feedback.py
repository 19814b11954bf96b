"""The reviewers' shared feedback for a proposal page.

    {% load review_feedback %}
    {% shared_feedback proposal as feedback %}   [[comment, …] per reviewer], empty before a decision

A template tag library is how the proposal page (grants.proposals, below review) shows what
review owns without importing it."""

from django import template

from grants.review import feedback

register = template.Library()


@register.simple_tag
def shared_feedback(proposal):
    return feedback.shared_feedback(proposal)
