"""What users have (arrays, labelled data, estimators, Info), as values and sensors."""
