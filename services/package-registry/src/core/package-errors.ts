/**
 * What the core refuses, independent of any protocol. Each format's ErrorFormat turns these into
 * its client's words (describePackageError gives the status and a message for all of them).
 */
export class PackageError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The body was larger than the limit (413). */
export class FileTooLargeError extends PackageError {
  constructor(limit: number) {
    super(413, `file is larger than the limit of ${limit} bytes`);
  }
}

/** The body ended before the length the client announced, or the connection broke (400). */
export class IncompleteUploadError extends PackageError {
  constructor(detail = 'the upload ended before all of the file arrived') {
    super(400, detail);
  }
}

/** A checksum the client sent does not match the bytes (400). */
export class ChecksumMismatchError extends PackageError {
  constructor(algorithm: string) {
    super(400, `${algorithm} checksum does not match the file`);
  }
}

/** A name, version or file name the format cannot accept (400). */
export class InvalidPackageInputError extends PackageError {
  constructor(message: string) {
    super(400, message);
  }
}

/** The package already has this file (or version) and duplicates are not allowed (403 as GitLab, 409 where a format says so). */
export class DuplicatePackageError extends PackageError {
  constructor(message = 'Duplicate package is not allowed', status = 403) {
    super(status, message);
  }
}

/** A protection rule keeps the caller from pushing or deleting this package (403). */
export class PackageProtectedError extends PackageError {
  constructor(action: 'push' | 'delete') {
    super(
      403,
      `Package protected: ${action === 'push' ? 'pushing' : 'deleting'} is not allowed for your role`,
    );
  }
}

/** Nothing by that name, version or file (404). */
export class PackageNotFoundError extends PackageError {
  constructor(what = 'Package') {
    super(404, `${what} Not Found`);
  }
}
