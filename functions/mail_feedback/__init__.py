"""MailFeedbackFunction: SES bounces and complaints from the feedback queue → suppressed addresses."""
