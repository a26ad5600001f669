"""The office's edit form for an outbox draft."""

from django import forms
from django.utils.translation import gettext_lazy as _


class OutboxMessageForm(forms.Form):
    """Subject and body of a draft e-mail."""

    subject = forms.CharField(label=_("主题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12}))
