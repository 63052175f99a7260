"""The customers' own survey answers: the dealer or station whose delivery or repair it was sees
its own; the maker's staff see those of organisations in their regions (the rates page)."""
from ..models import CustomerSurvey
from .base import Policy, in_regions, is_maker, own_or_regions


class CustomerSurveyPolicy(Policy):
    model = CustomerSurvey

    def can_list(self, user, _):
        return is_maker(user) or user.org.kind in ("dealer", "bodybuilder", "service")

    def can_view(self, user, survey):
        if isinstance(survey, type):
            return self.can_list(user, survey)
        return survey.org_id == user.org_id or (is_maker(user) and in_regions(user, survey.org))

    def scope(self, user, stmt):
        return own_or_regions(CustomerSurvey, user, stmt)
