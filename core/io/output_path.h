#pragma once
// The one check every command runs on each of its output paths before any work starts, so that no
// command destroys a file: an output is never one of the command's inputs (checkpoint, data,
// config), never replaces anything but a regular file (not a device, FIFO, socket or directory),
// and lands in a folder that exists and is writable, under a name short enough for its temporary
// sibling (atomic_file.h).
#include <string>
#include <vector>

namespace tessera::io {

// InputError naming the path (or `flag` when the path is empty) when `path` cannot take an output
// of a command that reads `inputs`.
void check_output_path(const std::string& path, const std::string& flag, const std::vector<std::string>& inputs);

// The same for a folder a command writes its outputs into: an existing writable folder, or an
// absent one whose parent exists and is writable (the command creates it when it writes); never a
// file, device or one of `inputs`. Check each file the command writes there with
// check_output_path too.
void check_output_folder(const std::string& dir, const std::string& flag, const std::vector<std::string>& inputs);

// The part of the check that write_atomically repeats at the moment of writing: the path is a
// regular file or absent, and its name leaves room for the temporary suffix.
void check_replaceable(const std::string& path);
// InputError when `path` is, or lies inside, one of the `inputs` that is a folder: an output written
// among a folder's inputs would be read as one of them by the next run.
void check_outside_input_folders(const std::string& path, const std::vector<std::string>& inputs);

}  // namespace tessera::io
