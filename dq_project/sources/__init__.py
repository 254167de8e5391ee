"""Sources: the landing boundary, loads into raw, file quarantine, the mapping language, the format
readers and onboarding (`dq source check`)."""
