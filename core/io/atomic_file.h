#pragma once
// Outputs are written beside their final path and renamed into place, so a crash never leaves a
// half-written checkpoint, forecast or report behind.
#include <sys/types.h>

#include <functional>
#include <string>

namespace tessera::io {

// Calls write(temporary_path), fsyncs the result and renames it to `path`; on any exception the
// temporary file is removed and the exception propagates. A `path` that exists and is not a regular
// file is refused before anything is written (check_replaceable in output_path.h).
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

// write_atomically for a text: the file holds exactly `text` or is left as it was.
void write_text_atomically(const std::string& path, const std::string& text);

// True when process `pid` no longer exists: what it was writing is stale. A live process, or one
// we may not signal, is not gone.
bool writer_has_exited(pid_t pid);

// Removes the temporaries write_atomically left in `folder` when its process was killed before it
// could clean up (kill -9, power loss): those whose writer no longer exists. Returns how many.
int remove_stale_temporaries(const std::string& folder);

}  // namespace tessera::io
