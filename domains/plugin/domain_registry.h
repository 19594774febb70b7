#pragma once
// The registered domains, in the order of TESSERA_DOMAINS. register_domains() adds every domain
// built into this executable (the generated domains/plugin/all_domains.cpp) and makes their tasks
// known to make_task(); it runs once, whoever calls it first.
#include <string>
#include <vector>

#include "core/io/checkpoint.h"
#include "domains/plugin/domain.h"

namespace tessera::domains {

void register_domains();
const std::vector<Domain>& registered_domains();

// The domain model a checkpoint's architecture names, or null when no domain knows it.
const DomainModel* find_model(const std::string& architecture, std::string* domain_name = nullptr);

// The domains whose models the checkpoint at `path` holds: one, or one per part of a multi-domain
// checkpoint. CheckpointError when a model is one no domain of this build knows.
std::vector<std::string> checkpoint_domains(const io::CheckpointMeta& meta, const std::string& path);

}  // namespace tessera::domains
