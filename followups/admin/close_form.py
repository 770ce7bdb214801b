"""The admin's close form: the outcome the follow-up's category asks for, and nothing else."""

from django import forms

from followups.models import AskKind, AskResult, FollowUp, RootCause
from followups.services.closing import Ask, Outcome
from surveys.models import Category

YES_NO = [("", "—"), ("yes", "Yes"), ("no", "No")]
NOT_ASKED = ""


def _yes_no(value: str):
    return {"yes": True, "no": False}.get(value)


class CloseForm(forms.Form):
    note = forms.CharField(label="Closing note", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, followup: FollowUp, **kwargs):
        super().__init__(*args, **kwargs)
        self.followup = followup
        if followup.category == Category.PROMOTER:
            for kind, label in AskKind.choices:
                self.fields[f"ask_{kind}"] = forms.ChoiceField(
                    label=f"Asked for: {label}", required=False, choices=[(NOT_ASKED, "Not asked"), *AskResult.choices]
                )
            self.fields["reason_promoter"] = forms.CharField(
                label="Why they are a promoter", widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
        elif followup.category == Category.PASSIVE:
            self.fields["what_would_make_promoter"] = forms.CharField(
                label="What would make them a promoter", widget=forms.Textarea(attrs={"rows": 3}), required=False
            )
        else:
            causes = RootCause.objects.for_tenant(followup.tenant_id).filter(is_active=True)
            self.fields["root_cause"] = forms.ModelChoiceField(queryset=causes, required=False)
            self.fields["product_mismatch"] = forms.ChoiceField(
                label="Product mismatch (needs the product was not made for)", choices=YES_NO, required=False
            )
            self.fields["resolved"] = forms.ChoiceField(choices=YES_NO, required=False)

    def outcome(self) -> Outcome:
        data = self.cleaned_data
        asks = [
            Ask(kind, data[f"ask_{kind}"]) for kind in AskKind.values if data.get(f"ask_{kind}", NOT_ASKED) != NOT_ASKED
        ]
        return Outcome(
            note=data.get("note", ""),
            asks=asks,
            reason_promoter=data.get("reason_promoter", ""),
            what_would_make_promoter=data.get("what_would_make_promoter", ""),
            root_cause=data.get("root_cause"),
            product_mismatch=_yes_no(data.get("product_mismatch", "")),
            resolved=_yes_no(data.get("resolved", "")),
        )

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            target = name if name in self.fields else None
            if name == "asks":
                target = None
            for message in messages:
                self.add_error(target, message)
