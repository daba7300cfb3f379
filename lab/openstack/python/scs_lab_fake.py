"""The lab's Nova virt driver: Nova's fake.FakeDriver, which remembers its servers across nova-compute restarts.

FakeDriver keeps the servers it "runs" only in the memory of nova-compute: after a restart (the compute-service
process-loss fault of the OpenStack kind stops and starts it, as on a real host) it knows none, and every later
power action of a lab server fails with InstanceNotFound. A real hypervisor still has its guests after the compute
service restarts; so does this driver: at init_host it takes over every instance the database places on its host,
in the power state Nova recorded. Loaded by compute_driver = scs_lab_fake.LabFakeDriver (launch.py puts this
directory on sys.path).
"""
from nova import context as nova_context
from nova import objects
from nova.compute import power_state
from nova.virt import fake


class LabFakeDriver(fake.FakeDriver):
    def init_host(self, host):
        super().init_host(host)
        instances = objects.InstanceList.get_by_host(nova_context.get_admin_context(), host)
        for instance in instances:
            if instance.uuid not in self.instances:
                state = instance.power_state if instance.power_state is not None else power_state.NOSTATE
                self.instances[instance.uuid] = fake.FakeInstance(instance.name, state, instance.uuid)
