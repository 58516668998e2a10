"""gunicorn's settings, read from the working directory by every `gunicorn` the portal runs
(Procfile, benchmarks/run.sh).

The access log names the path only: a query string can hold what a person searched for (an NHS
number, a name), and logs go where the referral data's protections do not follow. The referrer
is left out for the same reason.
"""

access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(M)sms'
