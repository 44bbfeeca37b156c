"""The console's forms (Flask-WTF: each carries its CSRF token; a POST without a valid one is refused)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from bot.followup.cases import CHANNELS, LANGUAGES
from bot.followup.words import CLAIM_STAGES, SCHEMES, SCHOOL_STAGES

YES_NO = [("", "-"), ("yes", "yes"), ("no", "no")]


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired(), Length(max=64)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(validators=[DataRequired(), Length(max=10)])


class EmptyForm(FlaskForm):
    """A button: only the CSRF token."""


class CloseForm(FlaskForm):
    note = TextAreaField(validators=[Optional(), Length(max=1000)])


class AssignForm(FlaskForm):
    user_id = SelectField(coerce=int)


class ReferForm(FlaskForm):
    ngo_id = SelectField(coerce=int)


class DecisionForm(FlaskForm):
    decision = SelectField(choices=[("accepted", "accepted"), ("declined", "declined")])


class EnrolForm(FlaskForm):
    channel = SelectField(choices=[(c, c) for c in CHANNELS if c != "rest"])
    address = StringField(validators=[DataRequired(), Length(max=40)])
    district = StringField(validators=[DataRequired(), Length(max=64)])
    returned_on = DateField(validators=[DataRequired()])
    language = SelectField(choices=[(code, code) for code in LANGUAGES])
    child_age = IntegerField(validators=[Optional(), NumberRange(min=0, max=18)])
    guardian_name = StringField(validators=[Optional(), Length(max=100)])
    # How the guardian's identity and consent were checked (required by bot.followup.cases for a child under 18).
    guardian_consent = StringField(validators=[Optional(), Length(max=80)])
    child_name = StringField(validators=[Optional(), Length(max=100)])
    place = StringField(validators=[Optional(), Length(max=100)])


class StagesForm(FlaskForm):
    school_stage = SelectField(choices=[("", "-")] + [(s, s) for s in SCHOOL_STAGES], validators=[Optional()])
    school_name = StringField(validators=[Optional(), Length(max=100)])
    scheme = SelectField(choices=[("", "-")] + [(s, s) for s in SCHEMES], validators=[Optional()])
    claim_stage = SelectField(choices=[("", "-")] + [(s, s) for s in CLAIM_STAGES], validators=[Optional()])
    claim_on = DateField(validators=[Optional()])


class CheckinForm(FlaskForm):
    home = SelectField(choices=YES_NO, validators=[Optional()])
    school = SelectField(choices=YES_NO, validators=[Optional()])
    money = SelectField(choices=YES_NO, validators=[Optional()])
    agent = SelectField(choices=YES_NO, validators=[Optional()])
    need = StringField(validators=[Optional(), Length(max=300)])
