// Versions, stage labels and rotation (PutSecretValue, UpdateSecretVersionStage, …): issue 3.
export {};
