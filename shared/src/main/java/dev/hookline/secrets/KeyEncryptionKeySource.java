package dev.hookline.secrets;

/** Where the key-encryption keys come from: Secrets Manager when deployed, a local file in the local runner. */
public interface KeyEncryptionKeySource {

    KeyEncryptionKeys keys();

    /** Called when a record names a version the cached keys lack: the key may have been rotated since. */
    KeyEncryptionKeys refresh();
}
